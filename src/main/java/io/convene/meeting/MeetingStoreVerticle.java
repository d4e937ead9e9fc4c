package io.convene.meeting;

import io.convene.db.Database;
import io.convene.eventbus.LocalCodec;
import io.convene.meeting.MeetingCommand.CancelMeeting;
import io.convene.meeting.MeetingCommand.CreateMeeting;
import io.convene.meeting.MeetingCommand.UpdateMeeting;
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
  /** Published (no body) after a change committed events: outbox workers in this process claim at once. */
  public static final String COMMITTED = "convene.outbox.committed";
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
        .onSuccess(reply -> message.reply(reply, LocalCodec.DELIVERY))
        .onSuccess(reply -> announceCommit(message.body()))
        .onFailure(error -> {
          MeetingStoreException failure = asStoreFailure(error);
          if (failure.kind() == Kind.INTERNAL) {
            LOG.error("meeting store failed on {}", message.body().getClass().getSimpleName(), error);
          }
          message.fail(failure.kind().ordinal(), failure.getMessage());
        });
  }

  private void announceCommit(MeetingCommand<?> command) {
    if (command instanceof CreateMeeting || command instanceof UpdateMeeting || command instanceof CancelMeeting) {
      vertx.eventBus().publish(COMMITTED, null);
    }
  }

  /** A server-side SQL error is a bug (but a server starting up or shutting down is unavailable); anything else from the client (refused, closed, timed out) is unavailability. */
  private static MeetingStoreException asStoreFailure(Throwable error) {
    if (error instanceof MeetingStoreException e) {
      return e;
    }
    if (error instanceof PgException && !io.convene.db.DatabaseErrors.isUnavailable(error)) {
      return new MeetingStoreException(Kind.INTERNAL, "database error");
    }
    return new MeetingStoreException(Kind.UNAVAILABLE, "database unavailable: " + error.getMessage());
  }
}
