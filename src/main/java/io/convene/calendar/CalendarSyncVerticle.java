package io.convene.calendar;

import io.convene.ids.Ids;
import io.convene.calendar.CalendarSyncSql.Job;
import io.convene.config.CalendarConfig;
import io.convene.db.Database;
import io.convene.meeting.MeetingStore;
import io.convene.outbox.Outbox;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.pubsub.PgSubscriber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Mirrors meetings onto Google Calendar from the calendar outbox ({@code calendar_sync_jobs}). Claims
 * due jobs with {@code FOR UPDATE SKIP LOCKED} and a lease, so any number of instances share the
 * work and a dead instance's jobs are taken over when their lease runs out; calls Google outside any
 * transaction. Woken after each meeting change in this process (event bus), by {@code NOTIFY} from
 * any instance, by a timer for the next retry or lease expiry, and by a slow poll as a safety net.
 * One instance per process: the work is I/O, and one access-token cache serves all of it.
 */
public final class CalendarSyncVerticle extends VerticleBase {
  /** Published after each job's outcome is recorded: {@code {"meeting_id", "status"}}. */
  public static final String OUTCOMES = "convene.calendar.outcome";
  static final String CHANNEL = Outbox.CALENDAR_CHANNEL;
  private static final Logger LOG = LoggerFactory.getLogger(CalendarSyncVerticle.class);
  private static final long POLL_MILLIS = 30_000;
  private static final int BATCH = 16;

  private final CalendarConfig config;
  private final Database database;
  private final CalendarConnections connections;
  private CalendarSyncSql sql;
  private MeetingMirror mirror;
  private PgSubscriber subscriber;
  private boolean running;
  private boolean wokenWhileRunning;
  private long timer = -1;

  /** Its store client (for its own event loop) and Google client (which closes with it) are its own. */
  public CalendarSyncVerticle(CalendarConfig config, Database database, CalendarConnections connections) {
    this.config = config;
    this.database = database;
    this.connections = connections;
  }

  @Override
  public Future<?> start() {
    sql = new CalendarSyncSql(database.pool(vertx));
    // A request must end well inside the lease, so that no one else takes the job while it runs.
    GoogleCalendarClient google = new GoogleCalendarClient(vertx, config, Math.min(30_000L, config.leaseSeconds() * 1000L / 3));
    mirror = new MeetingMirror(new MeetingStore(vertx.eventBus()), sql, connections,
        google, new GoogleAccessTokens(google), config);
    subscriber = PgSubscriber.subscriber(vertx, database.connectOptions())
        .reconnectPolicy(retries -> POLL_MILLIS / 6);
    subscriber.channel(CHANNEL).handler(payload -> wake());
    return vertx.eventBus().localConsumer(Outbox.CALENDAR_QUEUED, message -> wake()).completion()
        .compose(v -> subscriber.connect().recover(error -> {
          LOG.warn("calendar sync: LISTEN {} failed ({}); other instances' changes are seen by polling",
              CHANNEL, error.getMessage());
          return Future.succeededFuture();
        }))
        .onSuccess(v -> wake());
  }

  @Override
  public Future<?> stop() {
    return subscriber.close();
  }

  private void wake() {
    if (running) {
      wokenWhileRunning = true;
      return;
    }
    running = true;
    wokenWhileRunning = false;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    round();
  }

  /** Claims a batch, runs it, and goes on while there was work; then sleeps until the next due job. */
  private void round() {
    sql.claim(Ids.random("lease_", 24), config.leaseSeconds(), BATCH)
        .compose(jobs -> jobs.isEmpty() ? Future.succeededFuture(false) : runAll(jobs).map(true))
        .onComplete(claimed -> {
          if (claimed.succeeded() && claimed.result()) {
            round();
          } else {
            if (claimed.failed()) {
              LOG.warn("calendar sync: cannot claim jobs: {}", claimed.cause().getMessage());
            }
            sleep();
          }
        });
  }

  private Future<Void> runAll(List<Job> jobs) {
    return Future.join(jobs.stream().map(this::run).toList()).mapEmpty();
  }

  private Future<Void> run(Job job) {
    return mirror.sync(job)
        .onSuccess(status -> vertx.eventBus().publish(OUTCOMES,
            new JsonObject().put("meeting_id", job.meetingId()).put("status", status)))
        .onFailure(error -> LOG.warn("calendar sync of {} could not record its outcome ({}); it goes again when its"
            + " lease runs out", job.meetingId(), error.getMessage()))
        .<Void>mapEmpty()
        .otherwiseEmpty();
  }

  private void sleep() {
    sql.nextDueInMillis().onComplete(next -> {
      running = false;
      if (wokenWhileRunning) {
        wake();
        return;
      }
      long delay = next.succeeded() && next.result() != null ? Math.max(1, Math.min(next.result(), POLL_MILLIS)) : POLL_MILLIS;
      timer = vertx.setTimer(delay, t -> {
        timer = -1;
        wake();
      });
    });
  }
}
