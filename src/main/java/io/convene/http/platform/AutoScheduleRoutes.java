package io.convene.http.platform;

import io.convene.errors.ApiException;
import io.convene.input.Fields;
import io.convene.http.Idempotency;
import io.convene.http.JsonBodies;
import io.convene.http.Preconditions;
import io.convene.http.Responses;
import io.convene.meeting.Meeting;
import io.convene.meeting.MeetingChange.Move;
import io.convene.meeting.MeetingCommand.CreateMeeting;
import io.convene.meeting.MeetingCommand.GetMeeting;
import io.convene.meeting.MeetingCommand.UpdateMeeting;
import io.convene.meeting.MeetingDraft;
import io.convene.meeting.MeetingStore;
import io.convene.meeting.MeetingStoreException;
import io.convene.meeting.Person;
import io.convene.scheduling.Availability;
import io.convene.scheduling.Availability.Found;
import io.convene.scheduling.Availability.Query;
import io.convene.scheduling.SearchWindow.Bound;
import io.convene.scheduling.SlotFinder.Interval;
import io.convene.scheduling.SlotFinder.Slot;
import io.convene.scheduling.SlotGuard;
import io.convene.scheduling.Users;
import io.convene.tenant.Tenant;
import io.convene.time.Rfc3339;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Taking the best slot (contracts-scheduling.md §A7, §A8): {@code POST /v1/schedule/auto} books it as
 * {@code POST /v1/schedule} would, {@code POST /v1/meetings/{id}/reschedule} moves a meeting to it (same id).
 * Both write through the meeting store with a {@link SlotGuard}, so two callers never take one slot.
 */
public final class AutoScheduleRoutes {
  static final List<String> CONTEXTS = List.of("warm_intro", "cold_outreach", "investor_call", "client_demo",
      "team_standup", "one_on_one", "interview", "sales_call", "strategy_session", "brainstorm", "review", "casual_chat",
      AvailabilityRoutes.URGENT);
  static final String LEARNED_FROM = "Nothing: Convene does not learn from reasons. The reason is in the meeting's history.";
  private static final DateTimeFormatter PICKED = DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm", Locale.ROOT);
  private static final DateTimeFormatter UNTIL = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);

  private final MeetingStore store;
  private final Availability availability;

  public AutoScheduleRoutes(MeetingStore store, Availability availability) {
    this.store = store;
    this.availability = availability;
  }

  public void mount(Router router) {
    router.post("/v1/schedule/auto").handler(this::auto);
    router.post("/v1/meetings/:meetingId/reschedule").handler(this::reschedule);
  }

  private void auto(RoutingContext ctx) {
    JsonObject body = JsonBodies.object(ctx);
    List<String> attendees = SchedulingInput.attendees(body);
    int duration = Fields.requiredInt(body, "duration_minutes", AvailabilityRoutes.MIN_DURATION,
        AvailabilityRoutes.MAX_DURATION);
    String title = Fields.requiredString(body, "title", PlatformRoutes.MAX_TITLE);
    String context = context(body);
    SchedulingInput.Window window = SchedulingInput.window(body);
    String description = Fields.optionalString(body, "description", PlatformRoutes.MAX_DESCRIPTION);
    String location = Fields.optionalString(body, "location", PlatformRoutes.MAX_LOCATION);
    String accountId = Tenant.of(ctx).accountId();
    List<Person> people = new ArrayList<>(attendees.size());
    attendees.forEach(email -> people.add(Person.withEmail(email)));
    availability.find(accountId, new Query(attendees, "attendees", duration, window.from(), window.to(), window.field(),
            AvailabilityRoutes.URGENT.equals(context), null, null))
        .compose(found -> {
          Slot best = best(found);
          ZoneId zone = found.window().zone();
          // On the calendar of the first attendee, in request order, who connected one.
          return store.send(new CreateMeeting(accountId,
                  new MeetingDraft(title, description, location == null ? PlatformRoutes.DEFAULT_LOCATION : location,
                      at(best, zone), at(best, zone).plusMinutes(duration), List.of(), people, null, null, null),
                  true, guard(accountId, found, null, "auto"),
                  Idempotency.recordWithChange(ctx, 200, m -> booked(found, m, attendees))))
              .onSuccess(m -> Responses.meeting(ctx, 200, m, booked(found, m, attendees)));
        })
        .onFailure(e -> ctx.fail(failure(e, null)));
  }

  private static JsonObject booked(Found found, Meeting m, List<String> attendees) {
    Slot chosen = chosen(found, m);
    JsonObject meeting = PlatformJson.scheduled(m);
    meeting.remove("success");
    return new JsonObject()
        .put("success", true)
        .put("chosen_slot", SchedulingInput.slot(chosen, found.window().zone()))
        .put("meeting", meeting)
        .put("agent_reasoning", reasoning(chosen, found, attendees));
  }

  private void reschedule(RoutingContext ctx) {
    String meetingId = ctx.pathParam("meetingId");
    JsonObject body = JsonBodies.object(ctx);
    if (!meetingId.equals(body.getValue("meeting_id"))) {
      throw ApiException.invalidField("meeting_id", "meeting_id is required and must equal the meeting id in the path");
    }
    String requestedBy = UserRoutes.address(body.getValue("requested_by"), "requested_by");
    String reason = Fields.requiredString(body, "reason", PlatformRoutes.MAX_REASON);
    JsonObject range = Fields.optionalObject(body, "preferred_time_range");
    Bound from = null;
    Bound to = null;
    if (range != null) {
      OffsetDateTime start = Fields.dateTime(Fields.required(range.getValue("start"), "preferred_time_range.start"),
          "preferred_time_range.start");
      OffsetDateTime end = Fields.dateTime(Fields.required(range.getValue("end"), "preferred_time_range.end"),
          "preferred_time_range.end");
      from = Bound.of(start);
      to = Bound.of(end);
    }
    Integer expectedVersion = Preconditions.expectedVersion(ctx, meetingId);
    String accountId = Tenant.of(ctx).accountId();
    Bound windowFrom = from;
    Bound windowTo = to;
    store.send(new GetMeeting(accountId, meetingId))
        .compose(m -> {
          if (m.cancelled()) {
            throw notFound(meetingId);
          }
          String key = Users.key(requestedBy);
          if (m.attendees().stream().noneMatch(p -> p.emailKey().equals(key))
              && m.hosts().stream().noneMatch(p -> p.emailKey().equals(key))) {
            throw ApiException.invalidField("requested_by", "requested_by must be an attendee or host of the meeting");
          }
          List<String> emails = m.attendeeEmails();
          int minutes = (int) Duration.between(m.start(), m.end()).toMinutes();
          return availability.find(accountId, new Query(emails, "attendees", minutes, windowFrom, windowTo,
                  "preferred_time_range", false, meetingId, new Interval(m.start().toInstant(), m.end().toInstant())))
              .compose(found -> {
                Slot best = best(found);
                ZoneId zone = found.window().zone();
                return store.send(new UpdateMeeting(accountId, meetingId, expectedVersion,
                        new Move(at(best, zone), at(best, zone).plusMinutes(minutes), reason, requestedBy),
                        guard(accountId, found, meetingId, "reschedule"),
                        Idempotency.recordWithChange(ctx, 200, moved -> rescheduled(found, moved, emails))))
                    .onSuccess(moved -> Responses.meeting(ctx, 200, moved, rescheduled(found, moved, emails)));
              });
        })
        .onFailure(e -> ctx.fail(failure(e, meetingId)));
  }

  private static JsonObject rescheduled(Found found, Meeting moved, List<String> emails) {
    Slot chosen = chosen(found, moved);
    return new JsonObject()
        .put("success", true)
        .put("new_meeting_id", moved.id())
        .put("new_meeting_time", Rfc3339.format(moved.start()))
        .put("reasoning", reasoning(chosen, found, emails))
        .put("learned_from", LEARNED_FROM)
        .put("meeting_id", moved.id())
        .put("start_time", Rfc3339.format(moved.start()))
        .put("end_time", Rfc3339.format(moved.end()))
        .put("chosen_slot", SchedulingInput.slot(chosen, found.window().zone()));
  }

  private static SlotGuard guard(String accountId, Found found, String except, String source) {
    return new SlotGuard(accountId, found.users().stream().map(Users.User::emailKey).toList(),
        found.users().stream().map(Users.User::preferences).toList(), found.result().slots(), except, found.window().zone(),
        source);
  }

  private static Slot best(Found found) {
    if (found.result().slots().isEmpty()) {
      throw noAvailability();
    }
    return found.result().slots().get(0);
  }

  /** The slot the guard took: the first one, or a later one when the first was taken meanwhile. */
  private static Slot chosen(Found found, Meeting m) {
    return found.result().slots().stream().filter(s -> s.start().equals(m.start().toInstant())).findFirst().orElseThrow();
  }

  private static OffsetDateTime at(Slot slot, ZoneId zone) {
    return slot.start().atZone(zone).toOffsetDateTime();
  }

  /** Plain text, no AI: which slot, of how many free times, in what window, for whom, and why. */
  static String reasoning(Slot slot, Found found, List<String> emails) {
    ZoneId zone = found.window().zone();
    LocalDate first = LocalDate.ofInstant(found.window().start(), zone);
    LocalDate last = LocalDate.ofInstant(found.window().end().minusNanos(1), zone);
    String reason = slot.reason();
    return "Picked " + PICKED.format(slot.start().atZone(zone)) + "-" + UNTIL.format(slot.end().atZone(zone)) + " "
        + zone.getId() + ", the best of " + found.result().free() + " free times between " + first + " and " + last
        + " for " + String.join(", ", emails) + ": " + Character.toLowerCase(reason.charAt(0)) + reason.substring(1)
        + ". Score " + slot.score().toPlainString() + ".";
  }

  private static String context(JsonObject body) {
    Object value = body.getValue("context");
    if (value != null && !(value instanceof String name && CONTEXTS.contains(name))) {
      throw ApiException.badRequest("invalid_context", "context must be one of " + String.join(", ", CONTEXTS), "context");
    }
    return (String) value;
  }

  private static ApiException noAvailability() {
    return ApiException.conflict("no_availability", "no time in the window suits every attendee");
  }

  private static ApiException notFound(String meetingId) {
    return ApiException.notFound("meeting_not_found", "meeting " + meetingId + " not found");
  }

  private static Throwable failure(Throwable error, String meetingId) {
    if (!(error instanceof MeetingStoreException store)) {
      return error;
    }
    return switch (store.kind()) {
      case NOT_FOUND, CANCELLED -> notFound(meetingId);
      case VERSION_MISMATCH -> ApiException.preconditionFailed(
          "If-Match does not match the meeting's current ETag; read it again and retry");
      case DECLINED -> noAvailability();
      default -> error;
    };
  }
}
