package io.convene.calendar;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A local stand-in for Google's OAuth 2.0 token and revocation endpoints and the Calendar API v3
 * events and calendars resources, following their documented paths, query parameters, bodies and
 * error bodies. It records every request, and can be told to answer the next matching request with
 * an error (before or after doing the work, as a lost response would), or to hold it.
 *
 * <p>All state is touched on the stand-in's event loop only; tests read it after the app says it is
 * done, or through the futures it hands out.
 */
public final class FakeGoogle {
  public static final String CLIENT_ID = "convene-test.apps.googleusercontent.com";
  public static final String CLIENT_SECRET = "GOCSPX-test-secret";
  public static final String REDIRECT_URI = "https://convene.example.com/oauth/google/callback";
  private static final Pattern EVENT_ID = Pattern.compile("[a-v0-9]{5,1024}");

  /** One request as Google received it. {@code path} is decoded. */
  public record Request(String method, String path, MultiMap query, MultiMap headers, String body) {
    public JsonObject json() {
      return new JsonObject(body);
    }

    public MultiMap form() {
      MultiMap form = MultiMap.caseInsensitiveMultiMap();
      for (String pair : body.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          form.add(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
        }
      }
      return form;
    }

    public String bearer() {
      String auth = headers.get("Authorization");
      return auth == null ? null : auth.substring("Bearer ".length());
    }

    @Override
    public String toString() {
      return method + " " + path + (query.isEmpty() ? "" : " " + query) ;
    }
  }

  private record Scripted(String method, String pathPart, boolean afterWork, int status, JsonObject body,
                          Map<String, String> headers) {
  }

  private record Waiter(Predicate<Request> match, Promise<Request> promise) {
  }

  private record Held(String method, String pathPart, boolean afterWork, Promise<Request> arrived, Future<Void> release) {
  }

  private record AccessToken(String email, long expiresAtMillis, String scope) {
  }

  /** Scopes that let {@code freeBusy.query} read a calendar (Google's freebusy/query reference). */
  private static final List<String> FREEBUSY_SCOPES = List.of("https://www.googleapis.com/auth/calendar",
      "https://www.googleapis.com/auth/calendar.readonly", "https://www.googleapis.com/auth/calendar.freebusy",
      "https://www.googleapis.com/auth/calendar.events.freebusy");
  /** What Convene asked for before it read free/busy. */
  public static final String OLD_SCOPES = "https://www.googleapis.com/auth/calendar.events"
      + " https://www.googleapis.com/auth/calendar.calendars.readonly";

  private final io.vertx.core.Context context;
  private HttpServer server;
  private final List<Request> requests = new ArrayList<>();
  private final List<Scripted> scripted = new ArrayList<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private final List<Held> holds = new ArrayList<>();
  private final Map<String, String> codes = new HashMap<>();
  private final Map<String, String> refreshTokens = new HashMap<>();
  private final Map<String, String> grantedScopes = new HashMap<>();
  private final Map<String, AccessToken> accessTokens = new HashMap<>();
  private final Set<String> revoked = new HashSet<>();
  private final Map<String, Map<String, JsonObject>> calendars = new HashMap<>();
  private final AtomicLong counter = new AtomicLong(1000);
  private long expiresInSeconds = 3599;

  private FakeGoogle(io.vertx.core.Context context) {
    this.context = context;
  }

  /** Starts on a context of its own: its handlers and the calls below all run on that one event loop. */
  public static Future<FakeGoogle> start(Vertx vertx) {
    io.vertx.core.Context context = vertx.getOrCreateContext();
    FakeGoogle google = new FakeGoogle(context);
    return google.onLoop(() -> google).compose(g -> g.listen(vertx));
  }

  private Future<FakeGoogle> listen(Vertx vertx) {
    FakeGoogle google = this;
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create(false));
    router.route().handler(google::record);
    router.post("/token").handler(google::token);
    router.post("/revoke").handler(google::revoke);
    router.get("/calendar/v3/calendars/primary").handler(google::primary);
    router.post("/calendar/v3/freeBusy").handler(google::freeBusy);
    router.post("/calendar/v3/calendars/:calendarId/events").handler(google::insert);
    router.get("/calendar/v3/calendars/:calendarId/events/:eventId").handler(google::get);
    router.patch("/calendar/v3/calendars/:calendarId/events/:eventId").handler(google::patch);
    router.delete("/calendar/v3/calendars/:calendarId/events/:eventId").handler(google::delete);
    Promise<FakeGoogle> started = Promise.promise();
    context.runOnContext(v -> vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .map(server -> {
          google.server = server;
          return google;
        })
        .onComplete(started));
    return started.future();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** The CONVENE_* settings that point Convene at this stand-in. */
  public Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("CONVENE_GOOGLE_CLIENT_ID", CLIENT_ID);
    env.put("CONVENE_GOOGLE_CLIENT_SECRET", CLIENT_SECRET);
    env.put("CONVENE_GOOGLE_REDIRECT_URI", REDIRECT_URI);
    env.put("CONVENE_GOOGLE_AUTH_URL", baseUrl() + "/o/oauth2/v2/auth");
    env.put("CONVENE_GOOGLE_TOKEN_URL", baseUrl() + "/token");
    env.put("CONVENE_GOOGLE_REVOKE_URL", baseUrl() + "/revoke");
    env.put("CONVENE_GOOGLE_API_BASE_URL", baseUrl());
    env.put("CONVENE_CALENDAR_RETRY_BASE_MS", "20");
    env.put("CONVENE_CALENDAR_RETRY_MAX_MS", "200");
    return env;
  }

  // ---- what a test arranges -------------------------------------------------------------------

  /** The user consents on Google's page: the code Google would send to the callback. */
  public Future<String> consent(String email) {
    return onLoop(() -> {
      String code = "4/0A" + counter.incrementAndGet();
      codes.put(code, email);
      return code;
    });
  }

  /** A refresh token Google issued for {@code email} some other way (what an operator imports). */
  public Future<String> grant(String email) {
    return grant(email, GoogleCalendarClient.SCOPES);
  }

  /** A refresh token for {@code email} with these scopes only (a grant made before Convene asked for more). */
  public Future<String> grant(String email, String scopes) {
    return onLoop(() -> {
      String token = newRefreshToken(email);
      grantedScopes.put(token, scopes);
      return token;
    });
  }

  /** An event someone else put on {@code calendarId}: busy for {@code freeBusy} unless it is transparent. */
  public Future<Void> addEvent(String calendarId, String start, String end, boolean transparent) {
    return onLoop(() -> {
      String id = Long.toString(counter.incrementAndGet(), 32);
      JsonObject event = new JsonObject().put("kind", "calendar#event").put("id", id).put("status", "confirmed")
          .put("etag", newEtag())
          .put("start", new JsonObject().put("dateTime", start)).put("end", new JsonObject().put("dateTime", end));
      if (transparent) {
        event.put("transparency", "transparent");
      }
      calendars.computeIfAbsent(calendarId, k -> new HashMap<>()).put(id, event);
      return null;
    });
  }

  /** The next request of {@code method} whose path contains {@code pathPart} gets this answer instead. */
  public Future<Void> failNext(String method, String pathPart, int status, JsonObject body) {
    return failNext(method, pathPart, status, body, Map.of(), false);
  }

  /**
   * @param afterWork do the work first, then answer with the error (a response lost on the way back)
   */
  public Future<Void> failNext(String method, String pathPart, int status, JsonObject body, Map<String, String> headers,
                               boolean afterWork) {
    return onLoop(() -> scripted.add(new Scripted(method, pathPart, afterWork, status, body, headers))).mapEmpty();
  }

  /**
   * Holds the next matching request until {@code release} completes ({@code afterWork}: the work is
   * done at once, only the answer waits). The returned future completes when the request arrived.
   */
  public Future<Request> hold(String method, String pathPart, boolean afterWork, Future<Void> release) {
    Promise<Request> arrived = Promise.promise();
    return onLoop(() -> holds.add(new Held(method, pathPart, afterWork, arrived, release)))
        .compose(v -> arrived.future());
  }

  /** Completes with the first matching request from now on. */
  public Future<Request> next(String method, String pathPart) {
    Promise<Request> promise = Promise.promise();
    return onLoop(() -> waiters.add(new Waiter(r -> matches(r, method, pathPart), promise)))
        .compose(v -> promise.future());
  }

  /** Every access token issued so far stops working (they expired early): calls answer 401. */
  public Future<Void> expireAccessTokens() {
    return onLoop(() -> {
      accessTokens.replaceAll((token, t) -> new AccessToken(t.email(), 0, t.scope()));
      return null;
    });
  }

  /** Google revokes {@code email}'s grants (the user removed Convene's access in their account). */
  public Future<Void> revokeGrantsOf(String email) {
    return onLoop(() -> {
      refreshTokens.forEach((token, owner) -> {
        if (owner.equals(email)) {
          revoked.add(token);
        }
      });
      return null;
    });
  }

  public Future<Void> setExpiresIn(long seconds) {
    return onLoop(() -> {
      expiresInSeconds = seconds;
      return null;
    });
  }

  /** Someone edits the event in Google: its etag changes and {@code email} accepts. */
  public Future<Void> acceptInGoogle(String calendarId, String eventId, String email) {
    return onLoop(() -> {
      JsonObject event = calendars.get(calendarId).get(eventId);
      JsonArray attendees = event.getJsonArray("attendees");
      for (int i = 0; i < attendees.size(); i++) {
        if (attendees.getJsonObject(i).getString("email").equals(email)) {
          attendees.getJsonObject(i).put("responseStatus", "accepted");
        }
      }
      event.put("etag", newEtag());
      return null;
    });
  }

  public Future<List<Request>> requests() {
    return onLoop(() -> List.copyOf(requests));
  }

  /** The requests to the Calendar API's events, in order. */
  public Future<List<Request>> eventRequests() {
    return requests().map(all -> all.stream().filter(r -> r.path().contains("/events")).toList());
  }

  public Future<JsonObject> event(String calendarId, String eventId) {
    return onLoop(() -> {
      Map<String, JsonObject> events = calendars.get(calendarId);
      JsonObject event = events == null ? null : events.get(eventId);
      return event == null ? null : event.copy();
    });
  }

  public Future<Boolean> isRevoked(String token) {
    return onLoop(() -> revoked.contains(token));
  }

  public Future<Void> close() {
    return server.close();
  }

  // ---- the endpoints --------------------------------------------------------------------------

  private void record(RoutingContext ctx) {
    String rawPath = ctx.request().path();
    Request request = new Request(ctx.request().method().name(), decode(rawPath),
        MultiMap.caseInsensitiveMultiMap().addAll(ctx.queryParams()),
        MultiMap.caseInsensitiveMultiMap().addAll(ctx.request().headers()),
        ctx.body().buffer() == null ? "" : ctx.body().asString());
    requests.add(request);
    waiters.removeIf(w -> {
      if (w.match().test(request)) {
        w.promise().complete(request);
        return true;
      }
      return false;
    });
    Held held = holds.stream().filter(h -> matches(request, h.method(), h.pathPart())).findFirst().orElse(null);
    Scripted script = scripted.stream().filter(s -> matches(request, s.method(), s.pathPart())).findFirst().orElse(null);
    if (held != null) {
      holds.remove(held);
      held.arrived().complete(request);
      if (held.afterWork()) {
        // Do the work now; the answer goes out only on release (or never, when the client is gone).
        ctx.put("fake.answerLater", held.release());
        ctx.next();
      } else {
        held.release().onComplete(released -> context.runOnContext(v -> ctx.next()));
      }
      return;
    }
    if (script != null) {
      scripted.remove(script);
      if (script.afterWork()) {
        ctx.put("fake.script", script);
        ctx.next();
      } else {
        answer(ctx, script.status(), script.body(), script.headers());
      }
      return;
    }
    ctx.next();
  }

  private void token(RoutingContext ctx) {
    MultiMap form = ctx.request().formAttributes();
    if (!CLIENT_ID.equals(form.get("client_id")) || !CLIENT_SECRET.equals(form.get("client_secret"))) {
      send(ctx, 401, new JsonObject().put("error", "invalid_client").put("error_description", "Unauthorized"));
      return;
    }
    String grantType = form.get("grant_type");
    if ("authorization_code".equals(grantType)) {
      String email = codes.remove(form.get("code"));
      if (email == null || !REDIRECT_URI.equals(form.get("redirect_uri"))) {
        send(ctx, 400, new JsonObject().put("error", "invalid_grant").put("error_description", "Bad Request"));
        return;
      }
      send(ctx, 200, new JsonObject()
          .put("access_token", newAccessToken(email, GoogleCalendarClient.SCOPES))
          .put("expires_in", expiresInSeconds)
          .put("refresh_token", newRefreshToken(email))
          .put("scope", GoogleCalendarClient.SCOPES)
          .put("token_type", "Bearer"));
    } else if ("refresh_token".equals(grantType)) {
      String token = form.get("refresh_token");
      String email = refreshTokens.get(token);
      if (email == null || revoked.contains(token)) {
        send(ctx, 400, new JsonObject().put("error", "invalid_grant")
            .put("error_description", "Token has been expired or revoked."));
        return;
      }
      String scope = grantedScopes.getOrDefault(token, GoogleCalendarClient.SCOPES);
      send(ctx, 200, new JsonObject()
          .put("access_token", newAccessToken(email, scope))
          .put("expires_in", expiresInSeconds)
          .put("scope", scope)
          .put("token_type", "Bearer"));
    } else {
      send(ctx, 400, new JsonObject().put("error", "unsupported_grant_type")
          .put("error_description", "Invalid grant_type: " + grantType));
    }
  }

  private void revoke(RoutingContext ctx) {
    String token = ctx.request().formAttributes().get("token");
    if (token == null || (!refreshTokens.containsKey(token) && !accessTokens.containsKey(token)) || revoked.contains(token)) {
      send(ctx, 400, new JsonObject().put("error", "invalid_token").put("error_description", "Token expired or revoked"));
      return;
    }
    revoked.add(token);
    send(ctx, 200, new JsonObject());
  }

  private void primary(RoutingContext ctx) {
    String email = authorized(ctx, null);
    if (email == null) {
      return;
    }
    send(ctx, 200, new JsonObject()
        .put("kind", "calendar#calendar")
        .put("etag", newEtag())
        .put("id", email)
        .put("summary", email)
        .put("timeZone", "Europe/Berlin")
        .put("conferenceProperties", new JsonObject().put("allowedConferenceSolutionTypes",
            new JsonArray().add("hangoutsMeet"))));
  }

  /**
   * {@code freeBusy.query}: the busy periods of each calendar asked for, from the events it holds (not
   * cancelled, not transparent), clipped to {@code [timeMin, timeMax)} and merged; a calendar the token's
   * user does not own answers {@code notFound} in its {@code errors}. Without a free/busy or read scope: 403.
   */
  private void freeBusy(RoutingContext ctx) {
    String email = authorized(ctx, null);
    if (email == null) {
      return;
    }
    String scope = accessTokens.get(ctx.request().getHeader("Authorization").substring(7)).scope();
    if (java.util.Arrays.stream(scope.split(" ")).noneMatch(FREEBUSY_SCOPES::contains)) {
      error(ctx, 403, "global", "insufficientPermissions", "Request had insufficient authentication scopes.");
      return;
    }
    JsonObject body = ctx.body().asJsonObject();
    java.time.Instant min;
    java.time.Instant max;
    try {
      min = java.time.OffsetDateTime.parse(body.getString("timeMin")).toInstant();
      max = java.time.OffsetDateTime.parse(body.getString("timeMax")).toInstant();
    } catch (RuntimeException e) {
      error(ctx, 400, "global", "badRequest", "Bad Request");
      return;
    }
    JsonObject answer = new JsonObject();
    for (Object item : body.getJsonArray("items")) {
      String id = ((JsonObject) item).getString("id");
      if (!id.equals(email)) {
        answer.put(id, new JsonObject().put("errors", new JsonArray().add(new JsonObject().put("domain", "global")
            .put("reason", "notFound"))).put("busy", new JsonArray()));
        continue;
      }
      List<java.time.Instant[]> busy = new ArrayList<>();
      for (JsonObject event : calendars.getOrDefault(id, Map.of()).values()) {
        if ("cancelled".equals(event.getString("status")) || "transparent".equals(event.getString("transparency"))) {
          continue;
        }
        java.time.Instant start = java.time.OffsetDateTime.parse(event.getJsonObject("start").getString("dateTime")).toInstant();
        java.time.Instant end = java.time.OffsetDateTime.parse(event.getJsonObject("end").getString("dateTime")).toInstant();
        if (start.isBefore(max) && end.isAfter(min)) {
          busy.add(new java.time.Instant[] {start.isBefore(min) ? min : start, end.isAfter(max) ? max : end});
        }
      }
      busy.sort(java.util.Comparator.comparing(b -> b[0]));
      JsonArray merged = new JsonArray();
      java.time.Instant[] open = null;
      for (java.time.Instant[] b : busy) {
        if (open != null && !b[0].isAfter(open[1])) {
          open[1] = b[1].isAfter(open[1]) ? b[1] : open[1];
          continue;
        }
        if (open != null) {
          merged.add(new JsonObject().put("start", open[0].toString()).put("end", open[1].toString()));
        }
        open = b.clone();
      }
      if (open != null) {
        merged.add(new JsonObject().put("start", open[0].toString()).put("end", open[1].toString()));
      }
      answer.put(id, new JsonObject().put("busy", merged));
    }
    answerWork(ctx, 200, new JsonObject().put("kind", "calendar#freeBusy").put("timeMin", min.toString())
        .put("timeMax", max.toString()).put("calendars", answer));
  }

  private void insert(RoutingContext ctx) {
    String calendarId = ctx.pathParam("calendarId");
    if (authorized(ctx, calendarId) == null) {
      return;
    }
    JsonObject body = ctx.body().asJsonObject();
    String id = body.getString("id");
    if (id != null && !EVENT_ID.matcher(id).matches()) {
      error(ctx, 400, "global", "invalid", "Invalid resource id value.");
      return;
    }
    Map<String, JsonObject> events = calendars.computeIfAbsent(calendarId, k -> new HashMap<>());
    if (id != null && events.containsKey(id)) {
      error(ctx, 409, "global", "duplicate", "The requested identifier already exists.");
      return;
    }
    JsonObject event = new JsonObject()
        .put("kind", "calendar#event")
        .put("id", id != null ? id : Long.toString(counter.incrementAndGet(), 32))
        .put("status", "confirmed")
        .put("htmlLink", "https://www.google.com/calendar/event?eid=" + id)
        .put("organizer", new JsonObject().put("email", calendarId).put("self", true));
    apply(ctx, event, body);
    events.put(event.getString("id"), event);
    answerWork(ctx, 200, event);
  }

  private void get(RoutingContext ctx) {
    JsonObject event = findEvent(ctx);
    if (event != null) {
      answerWork(ctx, 200, event);
    }
  }

  private void patch(RoutingContext ctx) {
    JsonObject event = findEvent(ctx);
    if (event == null) {
      return;
    }
    if ("cancelled".equals(event.getString("status")) && !"confirmed".equals(ctx.body().asJsonObject().getString("status"))) {
      error(ctx, 410, "global", "deleted", "Resource has been deleted");
      return;
    }
    String ifMatch = ctx.request().getHeader("If-Match");
    if (ifMatch != null && !ifMatch.equals(event.getString("etag"))) {
      preconditionFailed(ctx);
      return;
    }
    apply(ctx, event, ctx.body().asJsonObject());
    answerWork(ctx, 200, event);
  }

  private void delete(RoutingContext ctx) {
    JsonObject event = findEvent(ctx);
    if (event == null) {
      return;
    }
    if ("cancelled".equals(event.getString("status"))) {
      error(ctx, 410, "global", "deleted", "Resource has been deleted");
      return;
    }
    event.put("status", "cancelled").put("etag", newEtag());
    answerWork(ctx, 204, null);
  }

  // ---- helpers --------------------------------------------------------------------------------

  /** Writes the body's fields onto the event, as insert and patch do; a new etag. */
  private void apply(RoutingContext ctx, JsonObject event, JsonObject body) {
    boolean conferences = "1".equals(ctx.request().getParam("conferenceDataVersion"));
    for (String field : body.fieldNames()) {
      Object value = body.getValue(field);
      switch (field) {
        case "id", "etag", "kind", "htmlLink", "organizer", "hangoutLink" -> {
        }
        case "conferenceData" -> {
          if (!conferences) {
            break;
          }
          if (value == null) {
            event.remove("conferenceData");
            event.remove("hangoutLink");
          } else {
            createConference(event, (JsonObject) value);
          }
        }
        case "attendees" -> {
          JsonArray attendees = new JsonArray();
          for (Object a : (JsonArray) value) {
            JsonObject attendee = ((JsonObject) a).copy();
            if (!attendee.containsKey("responseStatus")) {
              attendee.put("responseStatus", "needsAction");
            }
            attendees.add(attendee);
          }
          event.put("attendees", attendees);
        }
        default -> {
          if (value == null) {
            event.remove(field);
          } else {
            event.put(field, value);
          }
        }
      }
    }
    event.put("etag", newEtag());
  }

  private void createConference(JsonObject event, JsonObject conferenceData) {
    JsonObject request = conferenceData.getJsonObject("createRequest");
    if (request == null || !"hangoutsMeet".equals(request.getJsonObject("conferenceSolutionKey", new JsonObject())
        .getString("type"))) {
      return;
    }
    long n = counter.incrementAndGet();
    String link = "https://meet.google.com/abc-" + n + "-xyz";
    event.put("hangoutLink", link).put("conferenceData", new JsonObject()
        .put("createRequest", request.copy().put("status", new JsonObject().put("statusCode", "success")))
        .put("entryPoints", new JsonArray().add(new JsonObject().put("entryPointType", "video").put("uri", link)))
        .put("conferenceSolution", new JsonObject().put("key", new JsonObject().put("type", "hangoutsMeet"))
            .put("name", "Google Meet"))
        .put("conferenceId", "abc-" + n + "-xyz"));
  }

  private JsonObject findEvent(RoutingContext ctx) {
    String calendarId = ctx.pathParam("calendarId");
    if (authorized(ctx, calendarId) == null) {
      return null;
    }
    Map<String, JsonObject> events = calendars.get(calendarId);
    JsonObject event = events == null ? null : events.get(ctx.pathParam("eventId"));
    if (event == null) {
      error(ctx, 404, "global", "notFound", "Not Found");
    }
    return event;
  }

  /** The calendar owner's email when the bearer token is a live access token for it, else answers 401. */
  private String authorized(RoutingContext ctx, String calendarId) {
    String auth = ctx.request().getHeader("Authorization");
    AccessToken token = auth == null || !auth.startsWith("Bearer ") ? null : accessTokens.get(auth.substring(7));
    if (token == null || token.expiresAtMillis() < System.currentTimeMillis()
        || revoked.contains(auth.substring(7))) {
      JsonObject error = new JsonObject().put("domain", "global").put("reason", "authError")
          .put("message", "Invalid Credentials").put("locationType", "header").put("location", "Authorization");
      send(ctx, 401, new JsonObject().put("error", new JsonObject()
          .put("errors", new JsonArray().add(error)).put("code", 401).put("message", "Invalid Credentials")));
      return null;
    }
    if (calendarId != null && !calendarId.equals(token.email())) {
      error(ctx, 404, "global", "notFound", "Not Found");
      return null;
    }
    return token.email();
  }

  private void preconditionFailed(RoutingContext ctx) {
    JsonObject error = new JsonObject().put("domain", "global").put("reason", "conditionNotMet")
        .put("message", "Precondition Failed").put("locationType", "header").put("location", "If-Match");
    send(ctx, 412, new JsonObject().put("error", new JsonObject()
        .put("errors", new JsonArray().add(error)).put("code", 412).put("message", "Precondition Failed")));
  }

  /** Google's Calendar API error body. */
  public static JsonObject errorBody(int status, String domain, String reason, String message) {
    return new JsonObject().put("error", new JsonObject()
        .put("errors", new JsonArray().add(new JsonObject().put("domain", domain).put("reason", reason)
            .put("message", message)))
        .put("code", status)
        .put("message", message));
  }

  private void error(RoutingContext ctx, int status, String domain, String reason, String message) {
    send(ctx, status, errorBody(status, domain, reason, message));
  }

  /** The answer of an event call, unless a script or a hold said otherwise after the work was done. */
  private void answerWork(RoutingContext ctx, int status, JsonObject body) {
    Scripted script = ctx.get("fake.script");
    Future<Void> later = ctx.get("fake.answerLater");
    if (script != null) {
      answer(ctx, script.status(), script.body(), script.headers());
    } else if (later != null) {
      later.onComplete(released -> context.runOnContext(v -> send(ctx, status, body)));
    } else {
      send(ctx, status, body);
    }
  }

  private static void answer(RoutingContext ctx, int status, JsonObject body, Map<String, String> headers) {
    headers.forEach((name, value) -> ctx.response().putHeader(name, value));
    send(ctx, status, body);
  }

  private static void send(RoutingContext ctx, int status, JsonObject body) {
    if (ctx.response().closed() || ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(status);
    if (body == null) {
      ctx.response().end();
    } else {
      ctx.response().putHeader("Content-Type", "application/json; charset=UTF-8").end(body.encodePrettily());
    }
  }

  private String newAccessToken(String email, String scope) {
    String token = "ya29.a0" + counter.incrementAndGet();
    accessTokens.put(token, new AccessToken(email, System.currentTimeMillis() + expiresInSeconds * 1000, scope));
    return token;
  }

  private String newRefreshToken(String email) {
    String token = "1//0g" + counter.incrementAndGet() + "-refresh";
    refreshTokens.put(token, email);
    return token;
  }

  private String newEtag() {
    return "\"" + (3_000_000_000_000L + counter.incrementAndGet()) + "\"";
  }

  private static boolean matches(Request r, String method, String pathPart) {
    return r.method().equals(method) && r.path().contains(pathPart);
  }

  private <T> Future<T> onLoop(java.util.concurrent.Callable<T> work) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> {
      try {
        promise.complete(work.call());
      } catch (Exception e) {
        promise.fail(e);
      }
    });
    return promise.future();
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
