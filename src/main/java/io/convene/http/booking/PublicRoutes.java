package io.convene.http.booking;

import io.convene.booking.BookableEvent;
import io.convene.booking.BookingSlots;
import io.convene.booking.Bookings;
import io.convene.booking.ManageTokens;
import io.convene.booking.MeetingEvents;
import io.convene.errors.ApiException;
import io.convene.input.Fields;
import io.convene.http.Idempotency;
import io.convene.http.JsonBodies;
import io.convene.http.Preconditions;
import io.convene.http.Responses;
import io.convene.http.UrlEncoded;
import io.convene.http.accounts.AccountsJson;
import io.convene.http.platform.PreferencesInput;
import io.convene.meeting.Meeting;
import io.convene.meeting.Person;
import io.convene.scheduling.SearchWindow;
import io.convene.scheduling.SlotFinder.Slot;
import io.convene.tenant.Tenant;
import io.convene.time.Rfc3339;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The public surface (contracts-scheduling.md §B3–§B7): a meeting event's page and slots, booking, and the
 * booker's self-service with a manage token. No tenant credential: a booking acts for the event's tenant,
 * a self-service call for the tenant its token names, and their Idempotency-Keys are stored there, scoped to
 * the path.
 */
public final class PublicRoutes {
  static final String PREFIX = "/public/v1";
  static final String EVENT = PREFIX + "/meetingevents/:slug";
  static final String MEETING = PREFIX + "/meetings/:meetingId";
  private static final String EVENT_KEY = "convene.meetingEvent";
  private static final String MEETING_KEY = "convene.bookedMeeting";
  private static final String CLAIMS_KEY = "convene.manageClaims";
  /** What a public request acts as, for rate limits and logs: it has no credential. */
  private static final String PUBLIC_CREDENTIAL = "public";
  private static final int MAX_ATTENDEES = 10;
  private static final int MAX_NOTES = 2000;
  private static final int MAX_REASON = 500;
  private static final int MAX_SPAN_DAYS = 31;
  private static final int DEFAULT_DAYS = 7;
  private static final int MAX_TOKEN = 4096;

  private final MeetingEvents events;
  private final BookingSlots slots;
  private final Bookings bookings;
  private final Idempotency idempotency;
  private final Handler<RoutingContext> failedAuthLimit;
  private final Handler<RoutingContext> rateLimit;

  public PublicRoutes(MeetingEvents events, BookingSlots slots, Bookings bookings, Idempotency idempotency,
                      Handler<RoutingContext> failedAuthLimit, Handler<RoutingContext> rateLimit) {
    this.events = events;
    this.slots = slots;
    this.bookings = bookings;
    this.idempotency = idempotency;
    this.failedAuthLimit = failedAuthLimit;
    this.rateLimit = rateLimit;
  }

  /**
   * Its own pipeline, for requests without a tenant credential: CORS, the failed-auth limit (bad manage tokens
   * count), the per-address rate limit; idempotency only on the routes that change something.
   */
  public void mount(Router router) {
    router.route(PREFIX + "/*").handler(PublicRoutes::cors);
    router.route(PREFIX + "/*").handler(failedAuthLimit);
    router.route(PREFIX + "/*").handler(rateLimit);
    router.get(EVENT).handler(this::event);
    router.get(EVENT + "/slots").handler(this::slots);
    router.post(EVENT + "/book").handler(this::resolveEvent).handler(idempotency).handler(this::book);
    router.get(MEETING).handler(this::verifyToken).handler(this::read);
    router.put(MEETING).handler(this::verifyToken).handler(idempotency).handler(this::reschedule);
    router.put(MEETING + "/cancel").handler(this::verifyToken).handler(idempotency).handler(this::cancel);
  }

  /** CORS for booking pages in browsers (no cookies are used); a preflight is answered here. */
  private static void cors(RoutingContext ctx) {
    ctx.response()
        .putHeader("Access-Control-Allow-Origin", "*")
        .putHeader("Access-Control-Allow-Methods", "GET, POST, PUT")
        .putHeader("Access-Control-Allow-Headers", "Content-Type, Authorization, Idempotency-Key");
    if (ctx.request().method() == HttpMethod.OPTIONS) {
      ctx.response().setStatusCode(204).end();
      return;
    }
    ctx.next();
  }

  private void event(RoutingContext ctx) {
    events.bySlug(ctx.pathParam("slug")).onSuccess(e -> {
      JsonArray hosts = new JsonArray();
      for (Person p : e.meetingHosts()) {
        hosts.add(new JsonObject().put("firstName", p.firstName()).put("lastName", p.lastName()));
      }
      Responses.ok(ctx, Bookings.success(new JsonObject()
          .put("name", e.name())
          .put("slug", e.slug())
          .put("description", e.description())
          .put("durations", new JsonArray(e.durations()))
          .put("allowAdditionalAttendees", e.allowAdditionalAttendees())
          .put("timezone", e.availability().zone().getId())
          .put("hosts", hosts)));
    }).onFailure(ctx::fail);
  }

  /** §B4: free slots over whole dates of {@code timezone}, grouped by those dates. */
  private void slots(RoutingContext ctx) {
    String timezoneParam = UrlEncoded.query(ctx, "timezone");
    String startParam = UrlEncoded.query(ctx, "start");
    String endParam = UrlEncoded.query(ctx, "end");
    String durationParam = UrlEncoded.query(ctx, "duration");
    String token = UrlEncoded.query(ctx, "rescheduleToken");
    events.bySlug(ctx.pathParam("slug")).compose(event -> {
      ZoneId zone = timezoneParam == null ? event.availability().zone()
          : ZoneId.of(PreferencesInput.timezone(timezoneParam, "timezone"));
      int duration = duration(event, durationParam);
      Instant now = Instant.now();
      LocalDate today = LocalDate.ofInstant(now, zone);
      LocalDate from = startParam == null ? today : date(startParam, "start");
      LocalDate to = endParam == null ? from.plusDays(DEFAULT_DAYS - 1) : date(endParam, "end");
      if (to.isBefore(from)) {
        throw ApiException.badRequest("invalid_date_range", "end must not be before start", "end");
      }
      if (ChronoUnit.DAYS.between(from, to) + 1 > MAX_SPAN_DAYS) {
        throw ApiException.badRequest("invalid_date_range", "start to end may span at most " + MAX_SPAN_DAYS + " days",
            "end");
      }
      Instant windowStart = SearchWindow.at(from, 0, zone);
      Instant windowEnd = SearchWindow.at(to, 1440, zone);
      ZoneId eventZone = event.availability().zone();
      List<Slot> candidates = slots.candidates(event, duration, LocalDate.ofInstant(windowStart, eventZone),
              LocalDate.ofInstant(windowEnd, eventZone), now).stream()
          .filter(s -> !s.start().isBefore(windowStart) && s.start().isBefore(windowEnd))
          .toList();
      return excludedMeeting(event, token)
          .compose(except -> slots.free(event, candidates, except, true))
          .map(free -> {
            Map<String, JsonArray> byDate = new TreeMap<>();
            for (Slot s : free) {
              OffsetDateTime start = s.start().atZone(zone).toOffsetDateTime();
              byDate.computeIfAbsent(start.toLocalDate().toString(), d -> new JsonArray())
                  .add(new JsonObject().put("start", Rfc3339.format(start))
                      .put("end", Rfc3339.format(s.end().atZone(zone).toOffsetDateTime())));
            }
            return Bookings.success(new JsonObject()
                .put("slug", event.slug())
                .put("duration", duration)
                .put("timezone", zone.getId())
                .put("slots", new JsonObject(new LinkedHashMap<>(byDate))));
          });
    }).onSuccess(body -> Responses.ok(ctx, body)).onFailure(ctx::fail);
  }

  /** The meeting a reschedule token names, when it is a booking of this event; else 401. */
  private Future<String> excludedMeeting(BookableEvent event, String token) {
    if (token == null) {
      return Future.succeededFuture(null);
    }
    return bookings.tokens().verify(token, null)
        .compose(bookings::meeting)
        .map(m -> {
          if (!event.id().equals(m.origin().meetingEventId()) || !event.accountId().equals(m.accountId())) {
            throw ManageTokens.invalid();
          }
          return m.id();
        });
  }

  private static int duration(BookableEvent event, String given) {
    if (given == null) {
      return event.durations().get(0);
    }
    try {
      int d = Integer.parseInt(given);
      if (event.durations().contains(d)) {
        return d;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw invalidDuration(event);
  }

  private static ApiException invalidDuration(BookableEvent event) {
    return ApiException.badRequest("invalid_duration", "duration must be one of " + event.durations(), "duration");
  }

  private static LocalDate date(String text, String field) {
    try {
      if (text.length() == 10) {
        return LocalDate.parse(text);
      }
    } catch (DateTimeParseException e) {
      // refused below
    }
    throw ApiException.badRequest("invalid_date_range", field + " must be a date, YYYY-MM-DD", field);
  }

  /** The live event of the slug, acting for its tenant (its idempotency keys are stored there, scoped to the slug). */
  private void resolveEvent(RoutingContext ctx) {
    String slug = ctx.pathParam("slug");
    events.bySlug(slug).onSuccess(e -> {
      ctx.put(EVENT_KEY, e);
      new Tenant(e.accountId(), PUBLIC_CREDENTIAL).attachTo(ctx);
      ctx.put(Idempotency.SCOPE_KEY, "public:" + slug + ":");
      ctx.next();
    }).onFailure(ctx::fail);
  }

  private void book(RoutingContext ctx) {
    BookableEvent event = ctx.get(EVENT_KEY);
    Bookings.Request request = request(JsonBodies.object(ctx));
    bookings.book(event, request, body -> Idempotency.recordWithChange(ctx, 200, body))
        .onSuccess(booked -> {
          if (booked.replayed()) {
            ctx.response().putHeader("Idempotent-Replayed", "true");
          }
          Responses.meeting(ctx, 200, booked.meeting(), Bookings.success(booked.view()));
        })
        .onFailure(ctx::fail);
  }

  /**
   * §B5's body (also §B7's reschedule): {@code start, duration, attendees} required, {@code notes} optional. The
   * shared field rules (C1's time parser and Person list) refuse with codes of their own; §B5 names
   * {@code invalid_field} for every refusal of a field, with the same field and message.
   */
  private static Bookings.Request request(JsonObject json) {
    try {
      return fields(json);
    } catch (ApiException e) {
      throw e.asInvalidField();
    }
  }

  private static Bookings.Request fields(JsonObject json) {
    OffsetDateTime start = Fields.requiredTime(json, "start");
    int duration = Fields.requiredInt(json, "duration", 1, 1440);
    List<Person> attendees = AccountsJson.people(json, "attendees", MAX_ATTENDEES);
    if (attendees.isEmpty()) {
      throw ApiException.invalidField("attendees", "attendees must hold the booker, and at most " + (MAX_ATTENDEES - 1)
          + " more people");
    }
    String notes = Fields.optionalString(json, "notes", MAX_NOTES);
    return new Bookings.Request(start, duration, attendees, notes);
  }

  /**
   * Every self-service call: a token for the meeting of the path (Authorization: Bearer, or the link's query
   * {@code token}), checked before the body; the call then acts for the token's tenant.
   */
  private void verifyToken(RoutingContext ctx) {
    String meetingId = ctx.pathParam("meetingId");
    String token = token(ctx);
    bookings.tokens().verify(token, meetingId)
        .compose(claims -> bookings.meeting(claims).map(m -> {
          ctx.put(CLAIMS_KEY, claims);
          ctx.put(MEETING_KEY, m);
          new Tenant(claims.accountId(), PUBLIC_CREDENTIAL).attachTo(ctx);
          ctx.put(Idempotency.SCOPE_KEY, "public:" + meetingId + ":");
          return m;
        }))
        .onSuccess(m -> ctx.next())
        .onFailure(ctx::fail);
  }

  private static String token(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim()
        : UrlEncoded.query(ctx, "token");
    return token == null || token.length() > MAX_TOKEN ? null : token;
  }

  private void read(RoutingContext ctx) {
    Meeting m = ctx.get(MEETING_KEY);
    String action = UrlEncoded.query(ctx, "action");
    bookings.read(m, action)
        .onSuccess(view -> Responses.meeting(ctx, 200, m, Bookings.success(view)))
        .onFailure(ctx::fail);
  }

  private void reschedule(RoutingContext ctx) {
    Meeting current = ctx.get(MEETING_KEY);
    ManageTokens.Claims claims = ctx.get(CLAIMS_KEY);
    Bookings.Request request = request(JsonBodies.object(ctx));
    bookings.reschedule(current, claims.bookerId(), Preconditions.expectedVersion(ctx, current.id()), request,
            body -> Idempotency.recordWithChange(ctx, 200, body))
        .onSuccess(done -> Responses.meeting(ctx, 200, done.meeting(), Bookings.success(done.view())))
        .onFailure(ctx::fail);
  }

  private void cancel(RoutingContext ctx) {
    Meeting current = ctx.get(MEETING_KEY);
    ManageTokens.Claims claims = ctx.get(CLAIMS_KEY);
    boolean hasBody = ctx.body().buffer() != null && ctx.body().buffer().length() > 0;
    String reason = hasBody ? Fields.optionalString(JsonBodies.object(ctx), "reason", MAX_REASON) : null;
    bookings.cancel(current, claims.bookerId(), reason, body -> Idempotency.recordWithChange(ctx, 200, body))
        .onSuccess(done -> Responses.meeting(ctx, 200, done.meeting(), Bookings.success(done.view())))
        .onFailure(ctx::fail);
  }
}
