package io.convene.http.console;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.options.AriaRole;
import io.convene.Eventually;
import io.convene.TestApp;
import io.convene.TestCalls;
import io.convene.webhook.Receiver;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console in a real browser (Debian's Chromium, driven by Playwright) against a whole Convene:
 * every flow a platform's developer or an operator goes through, as they would click it.
 */
@ExtendWith(VertxExtension.class)
class ConsoleBrowserTest {
  private static final String CHROMIUM = "/usr/bin/chromium";
  /** Set (to a folder) to save the README's screenshots while the layout test runs. */
  private static final String SCREENSHOTS = System.getProperty("console.screenshots");
  private static final String XSS = "<img src=x onerror=\"window.__xss=1;alert(1)\">";

  private static Vertx vertx;
  private static TestApp app;
  private static Playwright playwright;
  private static Browser browser;

  private BrowserContext context;
  private Page page;
  private final List<String> dialogs = new ArrayList<>();
  private final List<String> pageErrors = new ArrayList<>();
  private final List<Receiver> receivers = new ArrayList<>();
  private JsonObject account;
  private TestCalls calls;

  @BeforeAll
  static void startAppAndBrowser(Vertx vertx) {
    ConsoleBrowserTest.vertx = vertx;
    app = TestApp.start(vertx, Map.of(
        "CONVENE_WEBHOOKS_ALLOW_INSECURE", "true",
        "CONVENE_WEBHOOK_RETRY_SCHEDULE", "100ms")).await();
    playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
        .setExecutablePath(Path.of(CHROMIUM))
        // Root in CI; and no calls home (the network here is closed).
        .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync")));
  }

  @AfterAll
  static void stopBrowser() {
    if (playwright != null) {
      playwright.close();
    }
  }

  @BeforeEach
  void openPage() {
    account = app.createAccount("Acme Scheduling").await();
    calls = TestCalls.withKey(app, account.getString("api_key"));
    context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1440, 900).setTimezoneId("UTC"));
    context.setDefaultTimeout(15_000);
    page = context.newPage();
    page.onDialog(dialog -> {
      dialogs.add(dialog.message());
      dialog.dismiss();
    });
    page.onPageError(pageErrors::add);
  }

  @AfterEach
  void closePage() {
    context.close();
    receivers.forEach(Receiver::close);
    assertEquals(List.of(), pageErrors, "errors thrown in the page");
  }

  private String base() {
    return "http://127.0.0.1:" + app.config.httpPort();
  }

  private Response open() {
    return page.navigate(base() + "/console");
  }

  private void signIn(String secret) {
    open();
    page.getByLabel("Key or token").fill(secret);
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
  }

  private void signInAsPlatform() {
    signIn(account.getString("api_key"));
    assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Overview"))).isVisible();
    assertThat(page.locator("main")).containsText(account.getString("name"));
  }

  private Locator button(String name) {
    return page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(name).setExact(true));
  }

  private Locator link(String name) {
    return page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName(name).setExact(true));
  }

  /** The error shown next to a control: the element its aria-describedby names last. */
  private Locator errorOf(Locator control) {
    String[] ids = control.getAttribute("aria-describedby").split(" ");
    return page.locator("#" + ids[ids.length - 1]);
  }

  private JsonObject api(HttpResponse<Buffer> response, int status) {
    assertEquals(status, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  private String scheduleByApi(String title, String start) {
    return api(calls.post("/v1/schedule", new JsonObject().put("title", title).put("start_time", start)
        .put("duration_minutes", 30).put("attendees", new JsonArray().add("alice@example.com"))).await(), 200)
        .getString("meeting_id");
  }

  @Test
  void scheduleRescheduleAndCancelAMeetingWithTheApisErrorsBesideTheirFields() {
    signInAsPlatform();
    link("Meetings").click();
    assertThat(page.getByText("No meetings match these filters.")).isVisible();

    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Schedule a meeting")).first().click();
    page.getByLabel("Title").fill("Intro call");
    page.getByLabel("Attendees").fill("alice@example.com, bob@");
    page.getByLabel("Start").fill("2030-01-15T10:00:00-08:00");
    button("Schedule").click();
    assertThat(errorOf(page.getByLabel("Attendees"))).hasText("attendees is not a valid email address (invalid_email)");
    assertThat(page.getByLabel("Attendees")).hasAttribute("aria-invalid", "true");
    page.getByLabel("Attendees").fill("alice@example.com, bob@example.com");
    button("Schedule").click();

    assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Intro call"))).isVisible();
    assertThat(page.locator("main")).containsText("2030-01-15T10:00:00-08:00");
    link("Meetings").first().click();
    assertThat(page.locator("tbody tr")).hasCount(1);
    assertThat(page.locator("tbody tr")).containsText("alice@example.com, bob@example.com");
    link("Intro call").click();

    page.getByLabel("New start").fill("2030-01-16T11:00:00-08:00");
    page.getByLabel("New end").fill("soon");
    button("Reschedule").click();
    assertThat(errorOf(page.getByLabel("New end"))).hasText("end_time is not RFC 3339 with an offset (e.g. 2025-11-26T15:00:00-08:00) (invalid_time_format)");
    page.getByLabel("New end").fill("2030-01-16T11:45:00-08:00");
    page.getByLabel("Reason").fill("Moved by the console");
    button("Reschedule").click();
    assertThat(page.locator("dl.facts").first()).containsText("2030-01-16T11:45:00-08:00");

    String id = api(calls.get("/v1/meetings").await(), 200).getJsonArray("meetings").getJsonObject(0).getString("meeting_id");
    link("Meetings").first().click();
    link("Intro call").click();
    JsonArray history = assertHistoryShownAsTheApiHasIt(id);
    assertEquals(List.of("meeting.scheduled", "meeting.updated", "meeting.rescheduled"), types(history));
    assertThat(page.locator("ol.history > li").nth(1).locator("p.hint"))
        .hasText("2030-01-15T10:00:00-08:00 → 2030-01-16T11:00:00-08:00; reason: Moved by the console");

    button("Cancel meeting…").click();
    button("Yes, cancel it").click();
    assertThat(page.locator(".heading .badge")).hasText("cancelled");
    assertThat(button("Reschedule")).hasCount(0);
    history = assertHistoryShownAsTheApiHasIt(id);
    assertEquals(List.of("meeting.scheduled", "meeting.updated", "meeting.rescheduled", "meeting.cancelled"), types(history));

    JsonArray meetings = api(calls.get("/v1/meetings").await(), 200).getJsonArray("meetings");
    assertEquals(1, meetings.size());
    JsonObject meeting = meetings.getJsonObject(0);
    assertEquals("cancelled", meeting.getString("status"));
    assertEquals("2030-01-16T11:00:00-08:00", meeting.getString("start_time"));
    assertEquals(3, meeting.getInteger("sequence"));
  }

  /**
   * The open meeting's history panel against {@code GET /v1/meetings/{id}/events}: one item per event, in the
   * API's order, each with its type, version and time, and for a change its old and new start and reason.
   */
  private JsonArray assertHistoryShownAsTheApiHasIt(String meetingId) {
    JsonArray events = api(calls.get("/v1/meetings/" + meetingId + "/events").await(), 200).getJsonArray("events");
    assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("History").setExact(true))).isVisible();
    Locator items = page.locator("ol.history > li");
    assertThat(items).hasCount(events.size());
    for (int i = 0; i < events.size(); i++) {
      JsonObject event = events.getJsonObject(i);
      List<String> lines = new ArrayList<>(List.of(event.getString("event_type") + " · version "
          + event.getInteger("sequence") + " · " + event.getString("timestamp")));
      JsonObject changes = event.getJsonObject("data").getJsonObject("changes");
      if (changes != null) {
        lines.add(changes.getString("old_start_time") + " → " + changes.getString("new_start_time")
            + "; reason: " + changes.getString("reason", "—"));
      }
      assertThat(items.nth(i).locator(":scope > p")).hasText(lines.toArray(String[]::new));
    }
    return events;
  }

  private static List<String> types(JsonArray events) {
    List<String> types = new ArrayList<>();
    events.forEach(event -> types.add(((JsonObject) event).getString("event_type")));
    return types;
  }

  @Test
  void longListsArePagedAndFiltered() {
    for (int i = 0; i < 12; i++) {
      scheduleByApi("Meeting " + i, "2030-02-01T10:00:00Z");
    }
    signInAsPlatform();
    link("Meetings").click();
    page.getByLabel("Per page").selectOption("10");
    button("Apply filters").click();
    assertThat(page.locator("tbody tr")).hasCount(10);
    assertThat(page.getByText("Page 1", new Page.GetByTextOptions().setExact(true))).isVisible();
    button("Next page").click();
    assertThat(page.locator("tbody tr")).hasCount(2);
    assertThat(button("Next page")).isDisabled();
    button("Previous page").click();
    assertThat(page.locator("tbody tr")).hasCount(10);

    page.getByLabel("Status").selectOption("cancelled");
    button("Apply filters").click();
    assertThat(page.getByText("No meetings match these filters.")).isVisible();
    page.getByLabel("Starts after").fill("yesterday");
    button("Apply filters").click();
    assertThat(errorOf(page.getByLabel("Starts after"))).hasText("start_after is not RFC 3339 with an offset (e.g. 2025-11-26T15:00:00-08:00) (invalid_time_format)");
  }

  @Test
  void aWebhookEndpointGetsATestEventThatShowsInTheLogAndIsRedelivered() {
    Receiver receiver = Receiver.ok(vertx);
    receivers.add(receiver);
    signInAsPlatform();
    link("Webhooks").click();
    assertThat(page.getByText("No endpoint yet: give a URL to start receiving events.")).isVisible();
    assertThat(page.getByText("No deliveries match these filters.")).isVisible();
    page.getByLabel("URL").fill(receiver.url());
    button("Create endpoint").click();
    Locator secret = page.locator(".once .secret");
    assertThat(secret).containsText("whsec_");

    button("Send test event").click();
    assertThat(page.getByText("Test event queued as")).isVisible();
    String webhookId = receiver.await(0).webhookId();
    Eventually.until(vertx, () -> calls.get("/v1/platform/webhook/logs?status=success")
        .map(r -> r.bodyAsJsonObject().getJsonArray("deliveries").size()), n -> n == 1);
    page.getByLabel("Outcome").selectOption("success");
    button("Apply filters").click();
    Locator row = page.locator("tbody tr");
    assertThat(row).hasCount(1);
    assertThat(row).containsText("webhook.test");
    assertThat(row.locator(".badge")).hasText("success");

    row.getByRole(AriaRole.LINK).click();
    assertThat(page.locator("main")).containsText(webhookId);
    assertThat(page.locator("tbody tr")).hasCount(1);
    assertThat(page.locator("tbody tr")).containsText("200");
    button("Redeliver").click();
    assertThat(page.getByText("Sent again as")).isVisible();
    assertEquals(webhookId, receiver.await(1).webhookId());
  }

  @Test
  void redirectUrisAreSavedAndACalendarConnectionIsDisconnected() {
    assertEquals(201, app.client.post("/admin/v1/accounts/" + account.getString("id") + "/calendar-connections")
        .bearerTokenAuthentication(TestApp.ADMIN_TOKEN)
        .sendJsonObject(new JsonObject().put("user_email", "alice@example.com").put("refresh_token", "1//refresh"))
        .await().statusCode());
    signInAsPlatform();
    link("Settings").click();
    Locator uris = page.getByLabel("Redirect URIs (one per line, at most 5)");
    uris.fill("https://app.example.com/calendar/done\nnot a url");
    button("Save redirect URIs").click();
    assertThat(errorOf(uris)).hasText("redirect_uris must hold absolute http(s) URLs (invalid_field)");
    uris.fill("https://app.example.com/calendar/done");
    button("Save redirect URIs").click();
    assertThat(errorOf(uris)).isHidden();
    Eventually.until(vertx, () -> calls.get("/v1/platform/settings").map(r -> r.bodyAsJsonObject()),
        body -> body.getJsonArray("redirect_uris").equals(new JsonArray().add("https://app.example.com/calendar/done")));

    link("Calendars").click();
    Locator row = page.locator("tbody tr");
    assertThat(row).hasCount(1);
    assertThat(row).containsText("alice@example.com");
    assertThat(page.getByLabel("Redirect URI")).hasValue("https://app.example.com/calendar/done");
    button("Disconnect…").click();
    button("Yes, disconnect").click();
    assertThat(page.getByText("No user has connected a Google Calendar yet.")).isVisible();
    assertEquals(0, api(calls.get("/v1/calendars").await(), 200).getInteger("count"));
  }

  @Test
  void valuesFromTheApiAreShownAsTextAndRunNothing() {
    account = app.createAccount(XSS).await();
    calls = TestCalls.withKey(app, account.getString("api_key"));
    String id = scheduleByApi(XSS, "2030-03-01T10:00:00Z");
    api(calls.put("/v1/meetings/" + id, new JsonObject().put("start_time", "2030-03-01T11:00:00Z")
        .put("end_time", "2030-03-01T11:30:00Z").put("reason", "<script>window.__xss=2</script>")).await(), 200);
    signInAsPlatform();
    assertThat(page.locator(".facts dd").first()).hasText(XSS);
    link("Meetings").click();
    assertThat(link(XSS)).isVisible();
    link(XSS).click();
    assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName(XSS))).isVisible();
    assertEquals(0, page.locator("main img").count());
    assertEquals(0, page.locator("main script").count());
    assertEquals(null, page.evaluate("() => window.__xss ?? null"));
    assertEquals(List.of(), dialogs);
  }

  @Test
  void aWrongKeyShowsTheApisMessageAndKeepsNothing() {
    signIn("sk_live_" + "x".repeat(40));
    Locator key = page.getByLabel("Key or token");
    assertThat(button("Sign out")).isHidden();
    assertThat(errorOf(key)).hasText("the API key is not valid (invalid_api_key)");
    assertEquals(0, ((Number) page.evaluate("() => sessionStorage.length")).intValue());
    assertThat(link("Meetings")).hasCount(0);

    // A key that stops working while the tab is open (regenerated elsewhere).
    key.fill(account.getString("api_key"));
    button("Sign in").click();
    assertThat(link("Meetings")).isVisible();
    api(calls.post("/v1/platform/regenerate-key", null).await(), 200);
    page.reload();
    assertThat(page.locator("main .form-error")).hasText(
        "the API key is not valid (invalid_api_key) Sign out, then sign in with a valid key.");
  }

  @Test
  void theKeyLivesInThisTabsSessionStorageOnlyAndTheKeyboardReachesEverything() {
    String key = account.getString("api_key");
    Response response = open();
    assertEquals("DENY", response.headers().get("x-frame-options"));
    assertTrue(response.headers().get("content-security-policy").contains("script-src 'self';"));
    // Focus starts in the key field; the whole sign-in works from the keyboard.
    page.keyboard().type(key);
    page.keyboard().press("Enter");
    assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Overview"))).isVisible();
    int tabs = 0;
    while (!"Meetings".equals(page.evaluate("() => document.activeElement.textContent")) && tabs++ < 10) {
      page.keyboard().press("Tab");
    }
    page.keyboard().press("Enter");
    assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Meetings"))).isVisible();

    assertFalse(page.url().contains(key), page.url());
    assertEquals(0, ((Number) page.evaluate("() => localStorage.length")).intValue());
    assertEquals(List.of(), context.cookies());
    assertTrue(((String) page.evaluate("() => sessionStorage.getItem('convene.console.credential')")).contains(key));

    link("Settings").click();
    button("Regenerate API key…").click();
    button("Yes, regenerate").click();
    Locator fresh = page.locator(".once .secret");
    assertThat(fresh).containsText("sk_live_");
    String newKey = fresh.textContent();
    assertEquals(401, calls.get("/v1/meetings").await().statusCode());
    assertEquals(200, TestCalls.withKey(app, newKey).get("/v1/meetings").await().statusCode());
    link("Overview").click();
    assertThat(page.locator("main")).containsText(account.getString("id"));

    button("Sign out").click();
    assertThat(page.getByLabel("Key or token")).isVisible();
    assertEquals(0, ((Number) page.evaluate("() => sessionStorage.length")).intValue());
  }

  @Test
  void anOperatorCreatesAnAccountSeesItsCredentialsOnceAndRevokesThem() {
    open();
    page.getByLabel("Sign in with").selectOption("admin");
    page.getByLabel("Key or token").fill(TestApp.ADMIN_TOKEN);
    button("Sign in").click();
    assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Accounts").setLevel(1))).isVisible();

    page.getByLabel("Account name").fill("Globex");
    button("Create account").click();
    Locator shown = page.locator(".once .secret");
    assertThat(shown).hasCount(4);
    String apiKey = shown.nth(1).textContent();
    String accountId = shown.nth(0).textContent();
    assertEquals(200, TestCalls.withKey(app, apiKey).get("/v1/meetings").await().statusCode());

    Locator row = page.locator("tbody tr").filter(new Locator.FilterOptions().setHasText(accountId));
    row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Revoke…")).first().click();
    row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Yes, revoke")).click();
    assertThat(row.locator(".credentials").first()).containsText("none");
    assertEquals(401, TestCalls.withKey(app, apiKey).get("/v1/meetings").await().statusCode());

    row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Revoke…")).click();
    row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Yes, revoke")).click();
    assertThat(row.locator(".credentials").nth(1)).containsText("none");
    JsonObject globex = api(app.client.get("/admin/v1/accounts").bearerTokenAuthentication(TestApp.ADMIN_TOKEN).send().await(), 200)
        .getJsonArray("accounts").stream().map(JsonObject.class::cast)
        .filter(a -> a.getString("id").equals(accountId)).findFirst().orElseThrow();
    assertEquals(new JsonArray(), globex.getJsonArray("api_keys"));
    assertEquals(new JsonArray(), globex.getJsonArray("oauth_clients"));
  }

  /** Every screen at a phone's and a desktop's width: controls labelled, nothing wider than the window. */
  @Test
  void everyScreenIsLabelledAndFitsAt375And1440Pixels() {
    Receiver receiver = Receiver.ok(vertx);
    receivers.add(receiver);
    String id = scheduleByApi("Quarterly review", "2030-04-01T15:00:00+02:00");
    api(calls.put("/v1/platform/webhook", new JsonObject().put("url", receiver.url())).await(), 200);
    api(calls.put("/v1/platform/settings", new JsonObject().put("redirect_uris",
        new JsonArray().add("https://app.example.com/calendar/done"))).await(), 200);
    api(calls.post("/v1/platform/webhook/test", null).await(), 202);
    receiver.await(0);
    Eventually.until(vertx, () -> calls.get("/v1/platform/webhook/logs?status=success")
        .map(r -> r.bodyAsJsonObject().getJsonArray("deliveries").size()), n -> n == 1);
    signInAsPlatform();
    for (int width : new int[] {375, 1440}) {
      page.setViewportSize(width, 900);
      screen("overview", width, "#/overview", "Overview");
      screen("meetings", width, "#/meetings", "Meetings");
      screen("meeting", width, "#/meetings/" + id, "Quarterly review");
      screen("schedule", width, "#/meetings/new", "Schedule a meeting");
      screen("webhooks", width, "#/webhooks", "Webhooks");
      screen("calendars", width, "#/calendars", "Calendars");
      screen("settings", width, "#/settings", "Settings");
    }
    page.navigate(base() + "/console/#/calendars");
    page.getByLabel("User email").fill("alice@example.com");
    button("Get connect link").click();
    assertThat(page.locator("form .form-error")).hasText(
        "Google Calendar is not configured on this server (CONVENE_GOOGLE_CLIENT_ID, CONVENE_GOOGLE_CLIENT_SECRET)"
            + " (calendar_sync_disabled)");

    button("Sign out").click();
    page.getByLabel("Sign in with").selectOption("admin");
    page.getByLabel("Key or token").fill(TestApp.ADMIN_TOKEN);
    button("Sign in").click();
    for (int width : new int[] {375, 1440}) {
      page.setViewportSize(width, 900);
      screen("accounts", width, "#/accounts", "Accounts");
    }
    page.setViewportSize(1440, 900);
    button("Sign out").click();
    screen("sign-in", 1440, "#/", "Sign in");
  }

  private void screen(String name, int width, String hash, String heading) {
    page.navigate(base() + "/console/" + hash);
    assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName(heading).setExact(true).setLevel(1))).isVisible();
    assertThat(page.locator(".loading")).hasCount(0);
    Object unlabelled = page.evaluate("() => [...document.querySelectorAll('input, select, textarea')]"
        + ".filter(c => c.labels.length === 0 && !c.getAttribute('aria-label')).map(c => c.outerHTML)");
    assertEquals(List.of(), unlabelled, name);
    int scrollWidth = ((Number) page.evaluate("() => document.documentElement.scrollWidth")).intValue();
    assertTrue(scrollWidth <= width, name + " is " + scrollWidth + " px wide in a " + width + " px window");
    if (SCREENSHOTS != null) {
      page.screenshot(new Page.ScreenshotOptions().setFullPage(true)
          .setPath(Path.of(SCREENSHOTS, "console-" + name + "-" + width + ".png")));
    }
  }
}
