package io.convene.calendar;

import io.convene.calendar.GoogleAccessTokens.GrantRefused;
import io.convene.calendar.CalendarConnections.Credentials;
import io.convene.calendar.CalendarSyncSql.EventState;
import io.convene.calendar.CalendarSyncSql.Job;
import io.convene.calendar.CalendarSyncSql.LeaseLost;
import io.convene.config.CalendarConfig;
import io.convene.meeting.CalendarSync;
import io.convene.meeting.Meeting;
import io.convene.meeting.MeetingCommand.GetMeeting;
import io.convene.meeting.MeetingStore;
import io.convene.meeting.MeetingStoreException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Brings one meeting's Google Calendar event in line with the meeting as it is now (not as it was
 * when the job was queued, so that queued changes collapse into one write of the latest state):
 * <ul>
 *   <li>an event on a calendar the meeting is no longer on (cancelled, moved, calendar dropped) is
 *       deleted, {@code sendUpdates=all}; 404/410 count as done;</li>
 *   <li>no event yet: {@code events.insert} with Convene's derived event id; 409 means an earlier
 *       attempt got through, so the event is read and brought up to date;</li>
 *   <li>an event: {@code events.patch} with {@code If-Match} on its etag; 412 means it changed in
 *       Google, so it is read again and the change re-applied on top (RSVPs kept).</li>
 * </ul>
 * Every Google write is recorded at once. Failures: 401 refreshes the token once (see
 * {@link GoogleAccessTokens}); rate limits, 5xx and unreachable Google are retried with truncated
 * exponential backoff and jitter; anything else, a refused grant, or too many attempts is a
 * permanent failure, recorded on the meeting and sent as {@code meeting.calendar_sync_failed}.
 */
final class MeetingMirror {
  private static final Logger LOG = LoggerFactory.getLogger(MeetingMirror.class);
  /** Re-reads after a 412 before the job backs off and tries later. */
  private static final int PRECONDITION_ATTEMPTS = 3;

  private final MeetingStore store;
  private final CalendarSyncSql sql;
  private final CalendarConnections connections;
  private final GoogleCalendarClient google;
  private final GoogleAccessTokens tokens;
  private final CalendarConfig config;

  MeetingMirror(MeetingStore store, CalendarSyncSql sql, CalendarConnections connections, GoogleCalendarClient google,
                GoogleAccessTokens tokens, CalendarConfig config) {
    this.store = store;
    this.sql = sql;
    this.connections = connections;
    this.google = google;
    this.tokens = tokens;
    this.config = config;
  }

  /** What one job saw and did so far. */
  private static final class Run {
    final Job job;
    Meeting meeting;
    EventState state;
    String userEmail;
    final Set<String> used = new LinkedHashSet<>();

    Run(Job job) {
      this.job = job;
    }
  }

  /** A failure no retry can fix. */
  private static final class Permanent extends RuntimeException {
    Permanent(String message) {
      super(message, null, false, false);
    }
  }

  /** Runs the job to its outcome and answers the status it recorded (or {@code retrying}). */
  Future<String> sync(Job job) {
    Run run = new Run(job);
    return store.send(new GetMeeting(job.accountId(), job.meetingId()))
        .compose(meeting -> {
          run.meeting = meeting;
          return sql.state(job.meetingId());
        })
        .compose(state -> {
          run.state = state;
          return reconcile(run);
        })
        .recover(error -> settle(run, error));
  }

  private Future<String> reconcile(Run run) {
    Meeting m = run.meeting;
    String wanted = m.cancelled() ? null : m.calendarConnectionId();
    Future<Credentials> target = wanted == null ? Future.succeededFuture() : connections.credentials(m.accountId(), wanted);
    return target.compose(found -> {
      Credentials live = found != null && found.live() ? found : null;
      run.userEmail = found == null ? null : found.email();
      Future<Void> steps = Future.succeededFuture();
      if (run.state.hasEvent() && (live == null || !live.id().equals(run.state.connectionId()))) {
        steps = steps.compose(v -> remove(run, m.cancelled()));
      }
      if (live != null) {
        steps = steps.compose(v -> run.state.hasEvent() ? patch(run, live, false) : insert(run, live));
      }
      String status = live == null && !m.cancelled() ? CalendarSync.NOT_CONNECTED : CalendarSync.SYNCED;
      return steps.compose(v -> sql.finish(run.job, m.version(), status, run.used));
    });
  }

  private Future<Void> remove(Run run, boolean keepMeetLink) {
    EventState s = run.state;
    return connections.credentials(run.meeting.accountId(), s.connectionId()).compose(source -> {
      Future<Void> deleted;
      if (source != null && source.live()) {
        deleted = tokens.call(source, t -> google.deleteEvent(t, s.calendarId(), s.eventId()))
            .recover(error -> error instanceof GoogleApiException g && g.gone()
                ? Future.succeededFuture() : Future.failedFuture(error))
            .onSuccess(v -> run.used.add(source.id()));
      } else {
        // Disconnected: no grant is left to delete it with. Were the user to connect again, the
        // derived event id leads the next insert back to this event (409).
        LOG.info("calendar event of {} stays on a disconnected calendar", run.meeting.id());
        deleted = Future.succeededFuture();
      }
      return deleted.compose(v -> {
        run.state = s.withoutEvent(keepMeetLink);
        return sql.saveEvent(run.job, run.state);
      });
    });
  }

  private Future<Void> insert(Run run, Credentials target) {
    Meeting m = run.meeting;
    String eventId = GoogleEvents.eventId(m.id(), target.id());
    boolean meet = GoogleEvents.wantsMeet(m);
    return tokens.call(target, t -> google.insertEvent(t, target.googleId(), GoogleEvents.insert(m, eventId, meet), meet))
        .compose(created -> record(run, target, eventId, created, run.state.meetLink()))
        .recover(error -> {
          if (error instanceof GoogleApiException g && g.status() == 409) {
            return tokens.call(target, t -> google.getEvent(t, target.googleId(), eventId))
                .compose(existing -> record(run, target, eventId, existing, run.state.meetLink())
                    .compose(v -> patch(run, target, "cancelled".equals(existing.getString("status")))));
          }
          return Future.failedFuture(error);
        });
  }

  /** @param revive the event found was deleted in Google (a cancelled event): make it confirmed again */
  private Future<Void> patch(Run run, Credentials target, boolean revive) {
    Meeting m = run.meeting;
    boolean meet = GoogleEvents.wantsMeet(m);
    String hadLink = run.state.meetLink();
    String conference = meet && hadLink == null ? "create" : !meet && hadLink != null ? "remove" : null;
    JsonObject body = GoogleEvents.patch(m, conference, run.state.eventId() + "-" + m.version(), null);
    if (revive) {
      body.put("status", "confirmed");
    }
    return patchCurrent(run, target, body, conference != null, 1)
        .compose(updated -> record(run, target, run.state.eventId(), updated, "remove".equals(conference) ? null : hadLink));
  }

  private Future<JsonObject> patchCurrent(Run run, Credentials target, JsonObject body, boolean conference, int attempt) {
    EventState s = run.state;
    return tokens.call(target, t -> google.patchEvent(t, s.calendarId(), s.eventId(), s.etag(), body, conference))
        .recover(error -> {
          if (!(error instanceof GoogleApiException g)) {
            return Future.failedFuture(error);
          }
          if (g.status() == 412 && attempt < PRECONDITION_ATTEMPTS) {
            // The etag moved. Were it another worker that took this job over (our lease ran out), its
            // newer content must not be overwritten with ours: re-apply only while the job is ours.
            return sql.checkLease(run.job)
                .compose(v -> tokens.call(target, t -> google.getEvent(t, s.calendarId(), s.eventId())))
                .compose(current -> {
                  run.state = s.withEvent(s.connectionId(), s.calendarId(), s.eventId(), current.getString("etag"),
                      s.meetLink());
                  JsonObject again = body.copy()
                      .put("attendees", GoogleEvents.keepingResponses(body.getJsonArray("attendees"), current));
                  return patchCurrent(run, target, again, conference, attempt + 1);
                });
          }
          if (g.gone()) {
            return Future.failedFuture(new Permanent("the event was deleted from the Google Calendar of "
                + target.email() + " (" + g.status() + ")"));
          }
          return Future.failedFuture(error);
        });
  }

  private Future<Void> record(Run run, Credentials target, String eventId, JsonObject event, String fallbackLink) {
    run.used.add(target.id());
    String link = GoogleEvents.meetLink(event);
    run.state = run.state.withEvent(target.id(), target.googleId(), eventId, event.getString("etag"),
        link != null ? link : fallbackLink);
    return sql.saveEvent(run.job, run.state);
  }

  private Future<String> settle(Run run, Throwable error) {
    Job job = run.job;
    if (error instanceof LeaseLost) {
      LOG.warn("{}; another worker carries on", error.getMessage());
      return Future.succeededFuture("lost");
    }
    if (error instanceof MeetingStoreException e && e.kind() == MeetingStoreException.Kind.NOT_FOUND) {
      return sql.drop(job).map("dropped");
    }
    int version = run.meeting != null ? run.meeting.version() : job.targetVersion();
    String reason = describe(error);
    if (isTransient(error)) {
      int attempt = job.attempts() + 1;
      if (attempt < config.maxAttempts()) {
        long delay = backoffMillis(attempt, error instanceof GoogleApiException g ? g.retryAfterSeconds() : null);
        LOG.info("calendar sync of {} failed (attempt {}), retrying in {} ms: {}", job.meetingId(), attempt, delay, reason);
        return sql.retryLater(job, delay, reason).map("retrying");
      }
      reason = "gave up after " + attempt + " attempts: " + reason;
    }
    LOG.warn("calendar sync of {} failed: {}", job.meetingId(), reason);
    return sql.fail(job, version, reason, run.userEmail);
  }

  /** Truncated exponential backoff with jitter; never sooner than Google's {@code Retry-After}. */
  long backoffMillis(int attempt, Long retryAfterSeconds) {
    long exponential = (long) Math.min((double) config.retryMaxMs(), config.retryBaseMs() * Math.pow(2, attempt - 1));
    long delay = exponential / 2 + ThreadLocalRandom.current().nextLong(exponential / 2 + 1);
    if (retryAfterSeconds != null) {
      delay = Math.max(delay, Math.min(config.retryMaxMs(), retryAfterSeconds * 1000));
    }
    return delay;
  }

  private static boolean isTransient(Throwable error) {
    if (error instanceof GoogleApiException g) {
      // 401 after a fresh token, or a 412 race lost several times over: worth another go later.
      return g.transientFailure() || g.unauthorized() || g.status() == 412;
    }
    return !(error instanceof Permanent) && !(error instanceof GrantRefused);
  }

  private static String describe(Throwable error) {
    if (error instanceof GoogleApiException g) {
      return g.describe();
    }
    if (error instanceof Permanent || error instanceof GrantRefused) {
      return error.getMessage();
    }
    if (error instanceof MeetingStoreException || error instanceof io.vertx.pgclient.PgException) {
      return "database: " + error.getMessage();
    }
    return "Google could not be reached: " + (error.getMessage() != null ? error.getMessage() : error.toString());
  }
}
