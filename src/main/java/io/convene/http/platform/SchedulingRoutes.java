package io.convene.http.platform;

import io.convene.calendar.CalendarConnections;
import io.convene.calendar.FreeBusy;
import io.convene.calendar.GoogleCalendarClient;
import io.convene.config.ConveneConfig;
import io.convene.history.MeetingHistory;
import io.convene.http.HistoryRoutes;
import io.convene.meeting.MeetingStore;
import io.convene.scheduling.Availability;
import io.convene.scheduling.Users;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;

/**
 * Scheduling (contracts-scheduling.md §A and §C): users and preferences, availability, auto-scheduling and
 * rescheduling, and each meeting's history on both surfaces. Mounted after authentication, like the other tenant routes.
 */
public final class SchedulingRoutes {
  private SchedulingRoutes() {
  }

  public static void mount(Router router, Vertx vertx, Pool pool, MeetingStore store, CalendarConnections calendars,
                           ConveneConfig config) {
    Users users = new Users(pool);
    // Its own client: free/busy calls wait freebusy_timeout_ms, not the callback's longer timeout.
    FreeBusy google = config.calendar().enabled()
        ? new FreeBusy(vertx, calendars, new GoogleCalendarClient(vertx, config.calendar(), config.freebusyTimeoutMs()))
        : null;
    UserRoutes.mount(router, users);
    Availability availability = new Availability(pool, users, google, config.minNoticeMinutes());
    AvailabilityRoutes.mount(router, availability);
    AutoScheduleRoutes.mount(router, store, availability);
    HistoryRoutes.mount(router, new MeetingHistory(pool));
  }
}
