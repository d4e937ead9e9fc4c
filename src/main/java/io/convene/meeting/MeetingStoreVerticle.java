package io.convene.meeting;

import io.convene.db.Database;
import io.convene.eventbus.LocalCodec;
import io.convene.meeting.MeetingStoreException.Kind;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.pgclient.PgException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns meeting persistence. Deployed once per event loop; every instance consumes the same
 * address and shares the process-wide pool.
 */
public final class MeetingStoreVerticle extends VerticleBase {
  public static final String ADDRESS = "convene.meeting.store";
  /** Published after a change committed, so that outbox workers in this process look at once. */
  public static final String CHANGED = "convene.meeting.changed";
  private static final Logger LOG = LoggerFactory.getLogger(MeetingStoreVerticle.class);

  private final Database database;
  private MeetingSql sql;

  public MeetingStoreVerticle(Database database) {
    this.database = database;
  }

  @Override
  public Future<?> start() {
    sql = new MeetingSql(database.pool(vertx));
    return vertx.eventBus().<MeetingCommand<?>>localConsumer(ADDRESS, this::handle).completion();
  }

  private void handle(Message<MeetingCommand<?>> message) {
    message.body().execute(sql)
        .onSuccess(reply -> {
          message.reply(reply, LocalCodec.DELIVERY);
          if (changes(message.body())) {
            vertx.eventBus().publish(CHANGED, null);
          }
        })
        .onFailure(error -> {
          MeetingStoreException failure = asStoreFailure(error);
          if (failure.kind() == Kind.INTERNAL) {
            LOG.error("meeting store failed on {}", message.body().getClass().getSimpleName(), error);
          }
          message.fail(failure.kind().ordinal(), failure.getMessage());
        });
  }

  private static boolean changes(MeetingCommand<?> command) {
    return command instanceof MeetingCommand.CreateMeeting || command instanceof MeetingCommand.UpdateMeeting
        || command instanceof MeetingCommand.CancelMeeting;
  }

  /** A server-side SQL error is a bug; anything else from the client (refused, closed, timed out) is unavailability. */
  private static MeetingStoreException asStoreFailure(Throwable error) {
    if (error instanceof MeetingStoreException e) {
      return e;
    }
    if (error instanceof PgException) {
      return new MeetingStoreException(Kind.INTERNAL, "database error");
    }
    return new MeetingStoreException(Kind.UNAVAILABLE, "database unavailable: " + error.getMessage());
  }
}
