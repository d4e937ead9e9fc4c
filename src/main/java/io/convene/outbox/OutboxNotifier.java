package io.convene.outbox;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the workers of the other instances that this process committed work for them: on each
 * {@link Outbox#WEBHOOKS_QUEUED} or {@link Outbox#CALENDAR_QUEUED}, a {@code NOTIFY} on the channel they
 * listen on, sent after the commit in a statement of its own; at most one per channel at a time, and
 * the wake-ups that come meanwhile are answered by one more.
 *
 * <p>Not sent in the change's own transaction: PostgreSQL commits the transactions that notified one
 * at a time (each takes a lock on "database 0", for the whole cluster, before its commit record and
 * holds it to the end of its commit: {@code PreCommit_Notify} in its {@code async.c}),
 * so a notification in every change held changes to one commit, and one WAL flush, at a time. A
 * wake-up lost to a crash between the commit and the notification costs only time: the workers also
 * look on a timer.
 */
public final class OutboxNotifier extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxNotifier.class);
  private static final String NOTIFY = "SELECT pg_notify($1, '')";

  private final Pool pool;

  public OutboxNotifier(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<?> start() {
    Channel webhooks = new Channel(Outbox.WEBHOOKS_CHANNEL);
    Channel calendar = new Channel(Outbox.CALENDAR_CHANNEL);
    return vertx.eventBus().localConsumer(Outbox.WEBHOOKS_QUEUED, message -> webhooks.notifyOthers()).completion()
        .compose(v -> vertx.eventBus().localConsumer(Outbox.CALENDAR_QUEUED, message -> calendar.notifyOthers())
            .completion());
  }

  /** One channel's notifications; used only on this verticle's event loop. */
  private final class Channel {
    private final String name;
    private boolean sending;
    private boolean again;

    Channel(String name) {
      this.name = name;
    }

    void notifyOthers() {
      if (sending) {
        again = true;
        return;
      }
      sending = true;
      pool.preparedQuery(NOTIFY).execute(Tuple.of(name)).onComplete(done -> {
        if (done.failed()) {
          LOG.debug("NOTIFY {} failed ({}); the other instances' workers find the work on their timer", name,
              done.cause().getMessage());
        }
        sending = false;
        if (again) {
          again = false;
          notifyOthers();
        }
      });
    }
  }
}
