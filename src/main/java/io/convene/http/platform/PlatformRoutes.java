package io.convene.http.platform;

import io.convene.http.UrlEncoded;
import io.convene.errors.ApiException;
import io.convene.input.Fields;
import io.convene.http.Idempotency;
import io.convene.http.JsonBodies;
import io.convene.http.Preconditions;
import io.convene.http.Responses;
import io.convene.http.WebhookInput;
import io.convene.meeting.Meeting;
import io.convene.meeting.MeetingChange;
import io.convene.meeting.MeetingChange.Reschedule;
import io.convene.meeting.MeetingCommand.CancelMeeting;
import io.convene.meeting.MeetingCommand.CreateMeeting;
import io.convene.meeting.MeetingCommand.GetMeeting;
import io.convene.meeting.MeetingCommand.ListMeetings;
import io.convene.meeting.MeetingCommand.UpdateMeeting;
import io.convene.meeting.MeetingDetail;
import io.convene.meeting.MeetingDraft;
import io.convene.meeting.MeetingFilter;
import io.convene.meeting.MeetingStore;
import io.convene.meeting.MeetingStoreException;
import io.convene.meeting.Person;
import io.convene.tenant.PlatformSettings;
import io.convene.tenant.Tenant;
import io.convene.tenant.Tenants;
import io.convene.webhook.WebhookTargets;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** The Platform API (Syncline's dialect): schedule, update, cancel, read and list meetings; settings; key rotation. */
public final class PlatformRoutes {
  static final String DEFAULT_LOCATION = "Google Meet";
  static final int MAX_TITLE = 500;
  static final int MAX_DESCRIPTION = 10_000;
  static final int MAX_LOCATION = 1_000;
  static final int MAX_REASON = 500;
  static final int MAX_REDIRECT_URIS = 5;
  static final int MAX_URL = 2_000;
  static final int DEFAULT_PAGE = 50;
  static final int MAX_PAGE = 200;

  private final MeetingStore store;
  private final Tenants tenants;
  private final PlatformSettings settings;
  private final WebhookTargets webhookTargets;
  private final int maxAttendees;

  public PlatformRoutes(MeetingStore store, Tenants tenants, PlatformSettings settings, WebhookTargets webhookTargets,
                        int maxAttendees) {
    this.store = store;
    this.tenants = tenants;
    this.settings = settings;
    this.webhookTargets = webhookTargets;
    this.maxAttendees = maxAttendees;
  }

  public void mount(Router router) {
    router.post("/v1/schedule").handler(this::schedule);
    router.get("/v1/meetings").handler(this::list);
    router.get("/v1/meetings/:meetingId").handler(this::get);
    router.put("/v1/meetings/:meetingId").handler(this::update);
    router.delete("/v1/meetings/:meetingId").handler(this::cancel);
    router.get("/v1/platform/settings").handler(this::readSettings);
    router.put("/v1/platform/settings").handler(this::updateSettings);
    router.post("/v1/platform/regenerate-key").handler(this::regenerateKey);
  }

  private void schedule(RoutingContext ctx) {
    JsonObject body = JsonBodies.object(ctx);
    List<String> attendees = Fields.emails(Fields.requiredArray(body, "attendees"), "attendees", maxAttendees);
    OffsetDateTime start = Fields.requiredTime(body, "start_time");
    int minutes = Fields.requiredInt(body, "duration_minutes", 1, 1440);
    String title = Fields.requiredString(body, "title", MAX_TITLE);
    String description = Fields.optionalString(body, "description", MAX_DESCRIPTION);
    String location = Fields.optionalString(body, "location", MAX_LOCATION);
    OffsetDateTime end = start.plusMinutes(minutes);
    Fields.requireSupportedYear("duration_minutes", end);
    List<Person> people = new ArrayList<>(attendees.size());
    attendees.forEach(email -> people.add(Person.withEmail(email)));
    String accountId = Tenant.of(ctx).accountId();
    // The meeting goes on the calendar of the first attendee, in request order, who connected one.
    store.send(new CreateMeeting(accountId, new MeetingDraft(title, description,
            location == null ? DEFAULT_LOCATION : location, start, end, List.of(), people, null, null, null), true,
            Idempotency.recordWithChange(ctx, 200, PlatformJson::scheduled)))
        .onSuccess(m -> Responses.meeting(ctx, 200, m, PlatformJson.scheduled(m)))
        .onFailure(e -> ctx.fail(failure(e, null)));
  }

  /** The seed: new times required, attendees optional (omitted keeps them), reason defaulted. */
  private void update(RoutingContext ctx) {
    String meetingId = ctx.pathParam("meetingId");
    JsonObject body = JsonBodies.object(ctx);
    OffsetDateTime start = Fields.requiredTime(body, "start_time");
    OffsetDateTime end = Fields.requiredTime(body, "end_time");
    Fields.requireAfter(start, end, "end_time", "start_time");
    List<String> attendees = body.getValue("attendees") == null ? null
        : Fields.emails(Fields.requiredArray(body, "attendees"), "attendees", maxAttendees);
    String reason = Fields.optionalString(body, "reason", MAX_REASON);
    Reschedule change = new Reschedule(start, end, attendees,
        reason == null || reason.isBlank() ? MeetingChange.DEFAULT_RESCHEDULE_REASON : reason);
    store.send(new UpdateMeeting(Tenant.of(ctx).accountId(), meetingId,
            Preconditions.expectedVersion(ctx, meetingId), change, Idempotency.recordWithChange(ctx, 200, PlatformJson::updated)))
        .onSuccess(m -> Responses.meeting(ctx, 200, m, PlatformJson.updated(m)))
        .onFailure(e -> ctx.fail(failure(e, meetingId)));
  }

  private void cancel(RoutingContext ctx) {
    String meetingId = ctx.pathParam("meetingId");
    store.send(new CancelMeeting(Tenant.of(ctx).accountId(), meetingId, Preconditions.expectedVersion(ctx, meetingId),
            Idempotency.recordWithChange(ctx, 200, PlatformJson::cancelled)))
        .onSuccess(m -> Responses.meeting(ctx, 200, m, PlatformJson.cancelled(m)))
        .onFailure(e -> ctx.fail(failure(e, meetingId)));
  }

  private void get(RoutingContext ctx) {
    String meetingId = ctx.pathParam("meetingId");
    store.send(new GetMeeting(Tenant.of(ctx).accountId(), meetingId, MeetingDetail.WITHOUT_REFERENCES))
        .onSuccess(m -> Responses.meeting(ctx, 200, m, PlatformJson.meeting(new JsonObject().put("success", true), m)))
        .onFailure(e -> ctx.fail(failure(e, meetingId)));
  }

  private void list(RoutingContext ctx) {
    int limit = Fields.queryInt(UrlEncoded.query(ctx, "limit"), "limit", 1, MAX_PAGE, DEFAULT_PAGE);
    String cursor = UrlEncoded.query(ctx, "cursor");
    Long afterSeq = null;
    if (cursor != null && !cursor.isEmpty()) {
      afterSeq = PlatformJson.seqOf(cursor);
      if (afterSeq == null) {
        throw ApiException.badRequest("invalid_cursor", "cursor is not one this API returned", "cursor");
      }
    }
    String attendee = UrlEncoded.query(ctx, "attendee");
    String status = UrlEncoded.query(ctx, "status");
    if (status != null && !status.equals("scheduled") && !status.equals("cancelled")) {
      throw ApiException.invalidField("status", "status must be scheduled or cancelled");
    }
    MeetingFilter filter = new MeetingFilter(
        attendee == null ? null : Fields.email(attendee, "attendee"), null, null, null, status,
        queryTime(ctx, "start_after"), queryTime(ctx, "start_before"), queryTime(ctx, "updated_since"));
    store.send(new ListMeetings(Tenant.of(ctx).accountId(), filter, afterSeq, 0, limit,
        MeetingDetail.WITHOUT_REFERENCES))
        .onSuccess(page -> {
          JsonArray meetings = new JsonArray();
          page.meetings().forEach(m -> meetings.add(PlatformJson.meeting(m)));
          Responses.ok(ctx, new JsonObject()
              .put("success", true)
              .put("meetings", meetings)
              .put("next_cursor", page.hasMore() ? PlatformJson.cursor(page.lastSeq()) : null)
              .put("has_more", page.hasMore()));
        })
        .onFailure(e -> ctx.fail(failure(e, null)));
  }

  private void readSettings(RoutingContext ctx) {
    settings.read(Tenant.of(ctx).accountId())
        .onSuccess(s -> Responses.ok(ctx, new JsonObject().put("success", true).mergeIn(s)))
        .onFailure(ctx::fail);
  }

  private void updateSettings(RoutingContext ctx) {
    JsonObject body = JsonBodies.object(ctx);
    List<String> redirectUris = null;
    if (body.getValue("redirect_uris") != null) {
      JsonArray given = Fields.requiredArray(body, "redirect_uris");
      if (given.size() > MAX_REDIRECT_URIS) {
        throw ApiException.invalidField("redirect_uris", "redirect_uris may list at most " + MAX_REDIRECT_URIS + " URLs");
      }
      redirectUris = new ArrayList<>();
      for (Object uri : given) {
        redirectUris.add(absoluteUrl(uri, "redirect_uris"));
      }
    }
    List<String> uris = redirectUris;
    boolean setBookingPage = body.containsKey("booking_page_url");
    String bookingPage = body.getValue("booking_page_url") == null ? null : bookingPageUrl(body.getValue("booking_page_url"));
    boolean setWebhook = body.containsKey("webhook_url");
    Object webhookUrl = body.getValue("webhook_url");
    // webhook_url is the primary webhook endpoint's URL: the same checks as PUT /v1/platform/webhook.
    (webhookUrl == null ? Future.<String>succeededFuture() : WebhookInput.url(webhookTargets, webhookUrl, "webhook_url"))
        .compose(url -> settings.update(Tenant.of(ctx).accountId(), uris, setWebhook, url, setBookingPage, bookingPage,
            Idempotency.recordWith(ctx, 200, PlatformRoutes::settingsAnswer)))
        .onSuccess(s -> Responses.ok(ctx, settingsAnswer(s)))
        .onFailure(ctx::fail);
  }

  private static JsonObject settingsAnswer(JsonObject settings) {
    return new JsonObject().put("success", true).mergeIn(settings);
  }

  private void regenerateKey(RoutingContext ctx) {
    Tenant tenant = Tenant.of(ctx);
    String oldKeyId = Tenants.isApiKeyId(tenant.credentialId()) ? tenant.credentialId() : null;
    tenants.rotateApiKey(tenant.accountId(), oldKeyId, Idempotency.recordWith(ctx, 200, PlatformRoutes::regenerated))
        .onSuccess(key -> Responses.ok(ctx, regenerated(key)))
        .onFailure(ctx::fail);
  }

  private static JsonObject regenerated(Tenants.IssuedKey key) {
    return new JsonObject()
        .put("success", true)
        .put("api_key", key.apiKey())
        .put("message", "A new API key was generated. The previous key no longer works; store this one now,"
            + " it is not shown again.");
  }

  private static OffsetDateTime queryTime(RoutingContext ctx, String name) {
    String value = UrlEncoded.query(ctx, name);
    return value == null ? null : Fields.time(name, value);
  }

  /** Where manage links go (contracts-scheduling.md §B6): HTTPS, or HTTP on this machine, at most 2000 characters. */
  private static String bookingPageUrl(Object value) {
    String field = "booking_page_url";
    String url = Fields.string(value, field, MAX_URL);
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
      String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(java.util.Locale.ROOT);
      boolean local = host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
      if (!host.isEmpty() && (scheme.equals("https") || (scheme.equals("http") && local))) {
        return url;
      }
    } catch (URISyntaxException e) {
      // falls through to the error below
    }
    throw ApiException.invalidField(field, field + " must be an absolute https URL (http only on localhost)");
  }

  private static String absoluteUrl(Object value, String field) {
    if (!(value instanceof String text) || text.length() > MAX_URL) {
      throw ApiException.invalidField(field, field + " must hold URL strings of at most " + MAX_URL + " characters");
    }
    try {
      URI uri = new URI(text);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
      if ((scheme.equals("https") || scheme.equals("http")) && uri.getHost() != null) {
        return text;
      }
    } catch (URISyntaxException e) {
      // falls through to the error below
    }
    throw ApiException.invalidField(field, field + " must hold absolute http(s) URLs");
  }

  /**
   * Syncline answers 404 alike for a meeting that does not exist, belongs to another platform or
   * is already cancelled: nothing tells them apart.
   */
  private static Throwable failure(Throwable error, String meetingId) {
    if (!(error instanceof MeetingStoreException store)) {
      return error;
    }
    return switch (store.kind()) {
      case NOT_FOUND, CANCELLED -> ApiException.notFound("meeting_not_found", "meeting " + meetingId + " not found");
      case VERSION_MISMATCH -> ApiException.preconditionFailed(
          "If-Match does not match the meeting's current ETag; read it again and retry");
      default -> error;
    };
  }
}
