package io.convene.booking;

import io.convene.errors.ApiException;
import io.convene.meeting.Booking;
import io.convene.meeting.CancelledBy;
import io.convene.meeting.ChangeRecord;
import io.convene.meeting.Conferencing;
import io.convene.meeting.Meeting;
import io.convene.meeting.MeetingChange.AttendeeReschedule;
import io.convene.meeting.MeetingCommand.CancelMeeting;
import io.convene.meeting.MeetingCommand.CreateMeeting;
import io.convene.meeting.MeetingCommand.GetMeeting;
import io.convene.meeting.MeetingCommand.UpdateMeeting;
import io.convene.meeting.MeetingDraft;
import io.convene.meeting.MeetingStore;
import io.convene.meeting.MeetingStoreException;
import io.convene.meeting.Person;
import io.convene.scheduling.SlotFinder.Slot;
import io.convene.scheduling.SlotGuard;
import io.convene.time.Rfc3339;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Function;

/**
 * Public booking and the booker's self-service (contracts-scheduling.md §B5–§B7): what is checked, in which
 * order, and what each answer holds. A booking is a guarded meeting create and a reschedule a guarded update
 * ({@link BookingGuard}), so the meeting, its events and their deliveries, and the idempotency record commit
 * in one transaction.
 */
public final class Bookings {
  public static final String SOURCE_BOOKING = "booking";
  public static final String SOURCE_ATTENDEE = "attendee";
  public static final String CANCEL_REASON = "cancelled_by_attendee";
  private static final String GOOGLE_MEET = "google_meet";
  /**
   * The tenant's booking page, and a non-cancelled booking through the same event at the same times by the same
   * booker (§B5, identical booking), in one round trip.
   */
  private static final String PAGE_AND_IDENTICAL = "SELECT (SELECT booking_page_url FROM platform_settings"
      + " WHERE account_id = $1) AS page, (SELECT id FROM meetings WHERE account_id = $1 AND meeting_event_id = $2"
      + " AND start_at = $3 AND end_at = $4 AND cancelled_at IS NULL AND lower(attendees -> 0 ->> 'email') = $5"
      + " LIMIT 1) AS same";
  private static final String BOOKING_PAGE = "SELECT booking_page_url FROM platform_settings WHERE account_id = $1";

  /** A booking request: body of §B5, also the reschedule body of §B7. */
  public record Request(OffsetDateTime start, int duration, List<Person> attendees, String notes) {
  }

  /**
   * How a route has its answer stored with the change (its Idempotency-Key): given the function that makes the
   * answer's body from the changed meeting, what commits with it, or {@code null} (no key).
   */
  public interface Recorder extends Function<Function<Meeting, JsonObject>, ChangeRecord> {
  }

  /**
   * A change's answer, made once from the changed meeting: what its idempotency record stores (inside the
   * transaction) is then what the first answer says, links and all, and a replay says the same.
   */
  private static final class Answer implements Function<Meeting, JsonObject> {
    private final Function<Meeting, JsonObject> make;
    private volatile JsonObject body;

    Answer(Function<Meeting, JsonObject> make) {
      this.make = make;
    }

    @Override
    public JsonObject apply(Meeting m) {
      if (body == null) {
        body = make.apply(m);
      }
      return body;
    }

    JsonObject data(Meeting m) {
      return apply(m).getJsonObject("data");
    }
  }

  /** A booking's answer; {@code replayed} when an identical booking answered it. */
  public record Booked(Meeting meeting, JsonObject view, boolean replayed) {
  }

  private final Pool pool;
  private final MeetingStore store;
  private final MeetingEvents events;
  private final BookingSlots slots;
  private final ManageTokens tokens;
  private final String publicBaseUrl;

  public Bookings(Pool pool, MeetingStore store, MeetingEvents events, BookingSlots slots, ManageTokens tokens,
                  String publicBaseUrl) {
    this.pool = pool;
    this.store = store;
    this.events = events;
    this.slots = slots;
    this.tokens = tokens;
    this.publicBaseUrl = publicBaseUrl;
  }

  public ManageTokens tokens() {
    return tokens;
  }

  /**
   * Books a slot of {@code event}.
   *
   * @param record {@code null}, or the idempotency record that commits with the booking; it gets the answer's body
   */
  public Future<Booked> book(BookableEvent event, Request r, Recorder recorder) {
    Slot slot = checkedSlot(event, r);
    String bookerKey = r.attendees().get(0).emailKey();
    return pool.preparedQuery(PAGE_AND_IDENTICAL).execute(Tuple.of(event.accountId(), event.id(),
            slot.start().atOffset(ZoneOffset.UTC), slot.end().atOffset(ZoneOffset.UTC), bookerKey))
        .compose(rows -> {
          String page = rows.iterator().next().getString("page");
          String same = rows.iterator().next().getString("same");
          return same != null
              ? store.send(new GetMeeting(event.accountId(), same)).map(m -> new Booked(m, view(m, page), true))
              : newBooking(event, r, slot, page, recorder);
        });
  }

  private Future<Booked> newBooking(BookableEvent event, Request r, Slot slot, String page,
                                    Recorder recorder) {
    return requireFree(event, slot, null)
        .compose(hosts -> {
          SlotGuard locks = new SlotGuard(event.accountId(), hosts.keys(), hosts.preferences(), List.of(slot), null,
              ZoneOffset.UTC, SOURCE_BOOKING);
          Answer answer = new Answer(m -> success(view(m, page)));
          // The event carries the answer's links: each link signs a token, and the meeting about to be inserted
          // makes the same view as the inserted one.
          Booking booking = new Booking(event.id(), event.slug(), m -> {
            JsonObject view = answer.data(m);
            return new JsonObject()
                .put("meeting_event_id", event.id())
                .put("meeting_event_slug", event.slug())
                .put("booked_by", m.attendees().get(0).email())
                .put("rescheduleLink", view.getString("rescheduleLink"))
                .put("cancelLink", view.getString("cancelLink"));
          });
          MeetingDraft draft = new MeetingDraft(event.name(), event.description(), null,
              slot.start().atOffset(ZoneOffset.UTC), slot.end().atOffset(ZoneOffset.UTC), event.meetingHosts(),
              r.attendees(), r.notes(), event.connection() == null ? null : new Conferencing(GOOGLE_MEET, null),
              event.connection() == null ? null : event.connection().id());
          return store.send(new CreateMeeting(event.accountId(), draft, false, new BookingGuard(locks, SOURCE_BOOKING,
              booking), recorder.apply(answer))).map(m -> new Booked(m, answer.data(m), false));
        })
        .recover(Bookings::refusal);
  }

  /** Duration, attendees and start as §B5 requires, before anything is read. */
  private Slot checkedSlot(BookableEvent event, Request r) {
    if (!event.durations().contains(r.duration())) {
      throw ApiException.badRequest("invalid_duration", "duration must be one of " + event.durations(), "duration");
    }
    if (r.attendees().size() > 1 && !event.allowAdditionalAttendees()) {
      throw ApiException.badRequest("additional_attendees_not_allowed",
          "this meeting event takes only the booker as attendee", "attendees");
    }
    Instant start = r.start().toInstant();
    if (!slots.offered(event, r.duration(), start, Instant.now())) {
      throw ApiException.badRequest("slot_unavailable", "start is not an offered slot of this meeting event for "
          + r.duration() + " minutes (GET /public/v1/meetingevents/" + event.slug() + "/slots)", "start");
    }
    return new Slot(start, start.plus(Duration.ofMinutes(r.duration())), null, null, null);
  }

  /** The hosts' rules, once their Google busy time (read fresh) and focus blocks leave the slot free; else 409. */
  private Future<BookingSlots.Hosts> requireFree(BookableEvent event, Slot slot, String except) {
    return slots.beforeGuard(event, slot, except).map(checked -> {
      if (checked.free().isEmpty()) {
        throw slotTaken();
      }
      return checked.hosts();
    });
  }

  /**
   * The booker's reschedule (§B7).
   *
   * @param bookerId the token's person
   */
  public Future<Booked> reschedule(Meeting current, String bookerId, Integer expectedVersion, Request r,
                                   Recorder recorder) {
    requireChangeable(current);
    Person booker = booker(current, bookerId);
    if (!r.attendees().get(0).emailKey().equals(booker.emailKey())) {
      throw ApiException.forbidden("token_mismatch", "attendees[0].email must be the booker's email");
    }
    return events.find(current.accountId(), current.origin().meetingEventId()).compose(event -> {
      if (event == null || event.deleted()) {
        throw ApiException.conflict("meeting_event_deleted",
            "the meeting event this meeting was booked through was deleted; it can no longer be rescheduled, only cancelled");
      }
      Slot slot = checkedSlot(event, r);
      AttendeeReschedule change = new AttendeeReschedule(slot.start().atOffset(ZoneOffset.UTC),
          slot.end().atOffset(ZoneOffset.UTC), r.attendees(), r.notes(), booker.email());
      return requireFree(event, slot, current.id())
          .compose(hosts -> bookingPage(current.accountId()).compose(page -> {
            Answer answer = new Answer(m -> success(view(m, page)));
            return store.send(new UpdateMeeting(current.accountId(), current.id(), expectedVersion, change,
                    new BookingGuard(new SlotGuard(current.accountId(), hosts.keys(), hosts.preferences(), List.of(slot),
                        current.id(), ZoneOffset.UTC, SOURCE_ATTENDEE), SOURCE_ATTENDEE, null),
                    recorder.apply(answer)))
                .recover(Bookings::refusal)
                .map(m -> new Booked(m, answer.data(m), false));
          }));
    });
  }

  /** The booker's cancel (§B7). */
  public Future<Booked> cancel(Meeting current, String bookerId, String message,
                               Recorder recorder) {
    requireChangeable(current);
    Person booker = booker(current, bookerId);
    return bookingPage(current.accountId()).compose(page -> {
      Answer answer = new Answer(m -> success(view(m, page)));
      return store.send(new CancelMeeting(current.accountId(), current.id(), null, recorder.apply(answer),
              new CancelledBy(booker.email(), CANCEL_REASON, message, SOURCE_ATTENDEE)))
          .recover(Bookings::refusal)
          .map(m -> new Booked(m, answer.data(m), false));
    });
  }

  /** The meeting a valid token names; a meeting that is gone reads as a bad token. */
  public Future<Meeting> meeting(ManageTokens.Claims claims) {
    return store.send(new GetMeeting(claims.accountId(), claims.meetingId()))
        .recover(e -> Future.failedFuture(e instanceof MeetingStoreException s && s.kind() == MeetingStoreException.Kind.NOT_FOUND
            ? ManageTokens.invalid() : e));
  }

  /** The read of §B7: the booking view, its event (or null once deleted) and the action the link named. */
  public Future<JsonObject> read(Meeting m, String action) {
    Future<BookableEvent> event = m.origin().meetingEventId() == null ? Future.succeededFuture(null)
        : events.find(m.accountId(), m.origin().meetingEventId());
    return event.compose(e -> view(m).map(v -> v
        .put("meetingEvent", e == null || e.deleted() ? null : new JsonObject().put("slug", e.slug())
            .put("durations", new JsonArray(e.durations())).put("timezone", e.availability().zone().getId()))
        .put("action", action)));
  }

  private static void requireChangeable(Meeting m) {
    if (m.cancelled()) {
      throw ApiException.conflict("meeting_cancelled", "meeting " + m.id() + " is cancelled; cancellation is final");
    }
    if (!m.start().toInstant().isAfter(Instant.now())) {
      throw ApiException.conflict("meeting_started", "meeting " + m.id() + " has started; it can no longer be changed");
    }
  }

  /** The booker as the meeting holds them now; a token for someone no longer on it is no token for it. */
  private static Person booker(Meeting m, String bookerId) {
    return m.attendees().stream().filter(p -> bookerId.equals(p.id())).findFirst()
        .orElseThrow(() -> ApiException.forbidden("token_mismatch", "the manage token's booker is not on this meeting"));
  }

  private static ApiException slotTaken() {
    return ApiException.conflict("slot_taken", "a host is no longer free at this time; pick another slot");
  }

  /** What the store's refusals mean to the booker. */
  private static <T> Future<T> refusal(Throwable e) {
    if (e instanceof MeetingStoreException s) {
      return Future.failedFuture(switch (s.kind()) {
        case DECLINED -> slotTaken();
        case CANCELLED -> ApiException.conflict("meeting_cancelled", "the meeting is cancelled; cancellation is final");
        case VERSION_MISMATCH -> ApiException.preconditionFailed(
            "If-Match does not match the meeting's current ETag; read it again and retry");
        default -> e;
      });
    }
    return Future.failedFuture(e);
  }

  private Future<String> bookingPage(String accountId) {
    return pool.preparedQuery(BOOKING_PAGE).execute(Tuple.of(accountId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString("booking_page_url"));
  }

  private Future<JsonObject> view(Meeting m) {
    return bookingPage(m.accountId()).map(page -> view(m, page));
  }

  /** Sakari's envelope. */
  public static JsonObject success(Object data) {
    return new JsonObject().put("success", true).put("data", data);
  }

  /** §B5's booking view, with fresh links. */
  private JsonObject view(Meeting m, String page) {
    return new JsonObject()
        .put("id", m.id())
        .put("name", m.title())
        .put("description", m.description())
        .put("start", Rfc3339.formatUtc(m.start()))
        .put("end", Rfc3339.formatUtc(m.end()))
        .put("status", m.cancelled() ? "cancelled" : m.end().toInstant().isAfter(Instant.now()) ? "upcoming" : "past")
        .put("hosts", people(m.hosts()))
        .put("attendees", people(m.attendees()))
        .put("notes", m.notes())
        .put("rescheduleLink", link("reschedule", m, page))
        .put("cancelLink", link("cancel", m, page));
  }

  private static JsonArray people(List<Person> people) {
    JsonArray out = new JsonArray();
    for (Person p : people) {
      out.add(new JsonObject().put("id", p.id()).put("email", p.email()).put("firstName", p.firstName())
          .put("lastName", p.lastName()));
    }
    return out;
  }

  /** A manage link (§B6): to the tenant's booking page when it set one, else to Convene's JSON. */
  private String link(String action, Meeting m, String page) {
    String token = tokens.issue(m.id(), m.accountId(), m.origin().bookedBy(), m.end().toInstant());
    if (page == null) {
      return publicBaseUrl + "/public/v1/meetings/" + m.id() + "?action=" + action + "&token=" + token;
    }
    return page + (page.contains("?") ? "&" : "?") + "action=" + action + "&meeting_id=" + m.id() + "&token=" + token;
  }
}
