package io.convene.meeting;

import io.convene.db.Database;
import io.convene.db.DatabaseErrors;
import io.convene.eventbus.LocalCodec;
import io.convene.meeting.MeetingStoreException.Kind;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns meeting persistence. Deployed once per event loop: each instance consumes the address of its
 * own loop (where the HTTP front of that loop sends) and the shared address (for senders on no event
 * loop), with database clients whose connections live on the same loop: a pipelined one for reads,
 * and one for changes that gives each its own connection.
 */
public final class MeetingStoreVerticle extends VerticleBase {
  /** Every instance consumes it; Vert.x picks one. For senders that are not on an event loop. */
  public static final String ADDRESS = "convene.meeting.store";
  private static final Logger LOG = LoggerFactory.getLogger(MeetingStoreVerticle.class);

  private final Database database;
  private final int connections;
  private final LastSeenMeetings lastSeen;
  private MeetingSql sql;

  /**
   * @param connections this instance's share of the database connections (for changes; reads, pipelined,
   *                    rarely need more than one)
   * @param lastSeen    shared by every instance of the process
   */
  public MeetingStoreVerticle(Database database, int connections, LastSeenMeetings lastSeen) {
    this.database = database;
    this.connections = connections;
    this.lastSeen = lastSeen;
  }

  /** The address of the store instance on the calling thread's event loop. */
  static String addressOfThisLoop() {
    return ADDRESS + "@" + Thread.currentThread().getName();
  }

  @Override
  public Future<?> start() {
    sql = new MeetingSql(database.loopClient(vertx, connections, true), database.loopClient(vertx, connections, false),
        database.pool(vertx), lastSeen, vertx);
    return vertx.eventBus().<MeetingCommand<?>>localConsumer(addressOfThisLoop(), this::handle).completion()
        .compose(v -> vertx.eventBus().<MeetingCommand<?>>localConsumer(ADDRESS, this::handle).completion());
  }

  private void handle(Message<MeetingCommand<?>> message) {
    message.body().execute(sql)
        .onSuccess(reply -> message.reply(reply, LocalCodec.DELIVERY))
        .onFailure(error -> {
          MeetingStoreException failure = asStoreFailure(error);
          if (failure.kind() == Kind.INTERNAL) {
            LOG.error("meeting store failed on {}", message.body().getClass().getSimpleName(), error);
          }
          message.fail(failure.kind().ordinal(), failure.getMessage());
        });
  }

  /** What the store refused stays as it is; otherwise the one classifier of database failures decides. */
  private static MeetingStoreException asStoreFailure(Throwable error) {
    if (error instanceof MeetingStoreException e) {
      return e;
    }
    if (DatabaseErrors.isUnavailable(error)) {
      return new MeetingStoreException(Kind.UNAVAILABLE, "database unavailable: " + error.getMessage());
    }
    return new MeetingStoreException(Kind.INTERNAL, "database error");
  }
}
