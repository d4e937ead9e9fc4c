package io.convene.http.booking;

import io.convene.http.Services;
import io.convene.booking.BookingSlots;
import io.convene.booking.Bookings;
import io.convene.booking.MeetingEvents;
import io.convene.calendar.CalendarConnections;
import io.convene.calendar.FreeBusy;
import io.convene.calendar.GoogleCalendarClient;
import io.convene.config.ConveneConfig;
import io.convene.http.Idempotency;
import io.convene.meeting.MeetingStore;
import io.convene.scheduling.Users;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

import java.util.Locale;

/**
 * Booking pages (contracts-scheduling.md §B): meeting events on the Accounts surface, mounted after
 * authentication like the other tenant routes, and the public surface under {@code /public/v1}, which takes no
 * tenant credential: the failed-auth limit (bad manage tokens count), a per-address rate limit and CORS run in
 * front of it instead. With {@code public_host} set, requests for that host are served as if their path began
 * with {@code /public}.
 */
public final class BookingRoutes {
  private BookingRoutes() {
  }

  public static void mount(Router router, Vertx vertx, Services services, Pool pool, MeetingStore store,
                           CalendarConnections calendars) {
    ConveneConfig config = services.config();
    if (config.publicHost() != null) {
      // Before every other route, so that the rerouted request runs through all of them as a public one.
      router.route().order(-1).handler(ctx -> onPublicHost(ctx, config.publicHost()));
    }
    MeetingEvents events = new MeetingEvents(pool);
    MeetingEventRoutes.mount(router, events, config.publicBaseUrl());

    FreeBusy google = config.calendar().enabled()
        ? new FreeBusy(vertx, calendars, new GoogleCalendarClient(vertx, config.calendar(), config.freebusyTimeoutMs()))
        : null;
    BookingSlots slots = new BookingSlots(pool, new Users(pool), google, config.minNoticeMinutes(),
        config.bookingHorizonDays());
    Bookings bookings = new Bookings(pool, store, events, slots, services.manageTokens(), config.publicBaseUrl());
    router.route(PublicRoutes.PREFIX + "/*").handler(PublicRoutes::cors);
    if (services.failedAuthLimiter() != null) {
      router.route(PublicRoutes.PREFIX + "/*").handler(services.failedAuthLimiter());
    }
    if (services.publicRateLimiter() != null) {
      router.route(PublicRoutes.PREFIX + "/*").handler(services.publicRateLimiter());
    }
    PublicRoutes.mount(router, events, slots, bookings, new Idempotency(pool, services.secrets()));
  }

  private static void onPublicHost(RoutingContext ctx, String publicHost) {
    String host = ctx.request().authority() == null ? null : ctx.request().authority().host();
    String path = ctx.request().path();
    if (host == null || !host.toLowerCase(Locale.ROOT).equals(publicHost) || path == null || path.startsWith("/public/")) {
      ctx.next();
      return;
    }
    String query = ctx.request().query();
    ctx.reroute("/public" + path + (query == null ? "" : "?" + query));
  }
}
