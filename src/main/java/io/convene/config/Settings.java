package io.convene.config;

import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every setting of Convene, in README's order: the one table the checks of types and bounds, {@code --help},
 * the redaction of {@code --check-config} and README's configuration table come from; its defaults are those
 * of {@code conf/config.json}, which Convene starts from (tests hold README and that file to it). A new
 * setting is one line here, its default in {@code conf/config.json}, a component at the end of
 * {@link ConveneConfig} and the line of {@link ConveneConfig#from} that reads it.
 */
public final class Settings {
  public static final List<Setting> ALL = List.of(
      Setting.string("http_host", "0.0.0.0", "address to listen on"),
      Setting.integer("http_port", 8080, 0, 65535, "port to listen on"),
      Setting.string("database_url", null, "`postgresql://user:pass@host:port/db`; when set, no embedded server is started").passwordInUrl(),
      Setting.integer("database_pool_size", 16, 1, 1000, "connections for meeting changes, shared out between the event loops' stores (a change has a connection to itself, so that commits flush together); each loop's store also reads over a pipelined client of its own, of up to as many connections, and the rest of the API and the workers share a pool of as many more (the webhook worker also claims and records over 3 connections of its own)"),
      Setting.string("data_dir", "./data", "embedded PostgreSQL (`postgres/`), its log and password, the generated secrets key"),
      Setting.string("admin_token", null, "enables the admin API under `/admin/v1` (unset: those routes answer 404)").secret(),
      Setting.integer("event_loops", null, 1, 256, "event loops; the HTTP and store verticles run one instance per loop").unset("number of cores"),
      Setting.bool("bootstrap", null, "create one tenant and print its credentials when the database has none").unset("on with the embedded database, off otherwise"),
      Setting.integer("max_body_bytes", 65536, 1024, 64 * 1024 * 1024, "request body limit (413 above it)"),
      Setting.integer("rate_limit_per_minute", 6000, 0, 100_000_000, "requests per minute per credential (token bucket); `0` turns it off"),
      Setting.string("rate_limit_scope", "node", "where `rate_limit_per_minute` and `auth_failures_per_minute` hold: `node` (each process counts alone: N nodes allow N times the limits) or `cluster` (across every node on the database: each node decides on its own buckets and reconciles them with the shared ones in PostgreSQL once a second, one statement per limit, nothing written per request). Tolerance of `cluster`: within one second N nodes may admit up to (N − 1) × (what is left + one second of refill) beyond the limit, e.g. (N − 1) × limit/60 a second for a key at its limit, or (N − 1) × the burst once for an idle key hit on every node at once; the excess is owed back before the key gets more. If the database is away, each node limits alone"),
      Setting.integer("auth_failures_per_minute", 30, 0, 1_000_000, "failed authentications (401s) one client address may cause per minute before it gets 429 with `Retry-After` on every authenticated route (including the admin API and the token endpoint); `0` turns it off. Behind a proxy all clients share its address"),
      Setting.integer("max_attendees", 100, 1, 10_000, "people per list on one meeting"),
      Setting.string("secrets_key", null, "base64 of 32 random bytes (`openssl rand -base64 32`); seals stored secrets (webhook secrets, Google refresh tokens, the generated JWT key, the answers kept for `Idempotency-Key` replays) with AES-256-GCM. Required with `database_url`, the same on every instance; a start with another key than the database was sealed with is refused").unset("generated into `data_dir/secrets.key` (embedded only)").secret(),
      Setting.integer("shutdown_drain_seconds", 8, 0, 300, "on SIGTERM, how long requests and webhook attempts in flight may finish after Convene stops accepting and claiming new ones (leases of attempts still running are then given back)"),
      Setting.integer("shutdown_delay_seconds", 5, 0, 300, "on SIGTERM, how long `/health/ready` answers 503 (and every answer says `Connection: close`) while requests are still served, before the listener closes and the drain begins: longer than the load balancer's health-check interval × its fall count. `0` skips the step"),
      Setting.string("workers", "api,webhooks,calendar", "what this node runs: `api` (the HTTP surfaces), `webhooks` (delivery), `calendar` (Google sync, only when a Google client is configured). A node without `api` still answers `/health` and `/health/ready` on `http_host:http_port` (and 404 to everything else), so that every node is probed the same way"),
      Setting.string("jwt_secret", null, "HMAC key (at least 32 characters) that signs OAuth access tokens; unset: a key generated once and kept sealed in the database, so every instance and restart accepts the tokens").secret(),
      Setting.integer("token_ttl_seconds", 3600, 1, 86_400, "access-token lifetime (1–86400)"),
      Setting.bool("webhooks_allow_insecure", false, "also allow `http://` and private or loopback webhook targets (development, tests)"),
      Setting.string("webhook_retry_schedule", "5s,5m,30m,2h,5h,10h,10h", "waits before each retry (units `ms s m h d`; the last one repeats); each ±20 %"),
      Setting.integer("webhook_log_retention_days", 30, 1, 3650, "how long finished deliveries and their attempts stay in the log"),
      Setting.integer("webhook_concurrency", 128, 1, 10_000, "deliveries a node holds at once (claimed and not yet recorded)"),
      Setting.integer("webhook_endpoint_concurrency", 16, 1, 1_000, "requests open to one endpoint per node (a node claims up to four times as many of its deliveries ahead)"),
      Setting.integer("credential_cache_size", 100000, 100, 10_000_000, "API keys and OAuth clients each process keeps in memory (unknown ids too, so made-up keys cost one lookup each); the least used go first"),
      Setting.integer("credential_cache_ttl_seconds", 5, 1, 3_600, "how long one is kept. A revocation counts at once on the instance that made it and within milliseconds on the others (PostgreSQL `NOTIFY`); this is the bound when notifications are lost"),
      Setting.integer("meeting_cache_size", 10000, 0, 10_000_000, "meetings each process keeps as it last created or changed them, to work the next change out without reading the meeting first (the write still checks the version, so another instance's change is never overwritten; reads always go to the database); `0` keeps none"),
      Setting.string("google_client_id", null, "Google OAuth client; unset: calendar sync is off (said once at start)"),
      Setting.string("google_client_secret", null, "its secret (set both or neither)").secret(),
      Setting.string("google_redirect_uri", null, "Convene's public `/oauth/google/callback` URL, as registered with Google"),
      Setting.string("google_auth_url", "https://accounts.google.com/o/oauth2/v2/auth", "consent page"),
      Setting.string("google_token_url", "https://oauth2.googleapis.com/token", "token endpoint"),
      Setting.string("google_revoke_url", "https://oauth2.googleapis.com/revoke", "revocation endpoint (disconnect)"),
      Setting.string("google_api_base_url", "https://www.googleapis.com", "Calendar API base (`/calendar/v3/...`)"),
      Setting.integer("calendar_retry_base_ms", 1000, 1, 3_600_000, "first retry delay after a transient Google failure (doubles, with jitter)"),
      Setting.integer("calendar_retry_max_ms", 3600000, 1, 86_400_000, "cap of that delay"),
      Setting.integer("calendar_max_attempts", 12, 1, 100, "attempts before a sync is recorded as failed"),
      Setting.integer("calendar_lease_seconds", 120, 1, 3600, "how long a worker owns a sync job before another instance may take it over"),
      Setting.bool("metrics_enabled", true, "Prometheus metrics ([Metrics](#metrics)); `false` runs Vert.x without its metrics SPI, so requests pay nothing for them"),
      Setting.integer("metrics_port", null, 1, 65535, "unset: `GET /metrics` on the API port, behind the admin token (404 without `admin_token`); set: `GET /metrics` on this port of `http_host` instead, without authentication (keep that port off the public network). A node without the `api` worker serves metrics only here"),
      Setting.string("log_format", "text", "`text` or `json` (one JSON object a line, [Logs](#logs))"),
      Setting.bool("access_log", false, "one log line per request (logger `io.convene.access`): method, route template, status, duration, request id, tenant"),
      Setting.integer("min_notice_minutes", 60, 0, 525_600, "no slot that availability, auto-scheduling or rescheduling offers starts earlier than now plus this"),
      Setting.integer("freebusy_timeout_ms", 5000, 100, 60_000, "per Google `freeBusy.query` call (one retry after 500 ms on a timeout, a 429 or a 5xx)"),
      Setting.integer("http_header_timeout_seconds", 10, 0, 3_600, "a new connection must send a complete request head within this time, else it is closed (there is no request to answer); `0` turns it off"),
      Setting.integer("http_body_timeout_seconds", 30, 0, 3_600, "a request must send its whole body within this time of its head, else it gets 408 `request_timeout` and the connection closes; `0` turns it off"),
      Setting.integer("http_idle_timeout_seconds", 60, 0, 86_400, "a connection with no traffic either way for this long is closed, and a kept-alive connection must send its next request head within it; `0` turns it off"),
      Setting.integer("http_max_connections", 10000, 0, 10_000_000, "open connections of the process; one more is closed as it opens; `0`: no limit"),
      Setting.integer("http_max_connections_per_address", 256, 0, 10_000_000, "open connections from one client address; one more is closed as it opens; `0`: no limit. Behind a proxy all clients share its address"),
      Setting.string("public_base_url", null, "absolute base of the links Convene hands out: a meeting event's `bookingUrl` and, unless the tenant set a `booking_page_url`, the reschedule and cancel links of bookings").unset("`http://localhost:<http_port>`"),
      Setting.string("public_host", null, "a host name (case-insensitive) whose requests are served as if their path began with `/public`, so that `https://book.example.com/v1/meetings/{id}` is the public `/public/v1/meetings/{id}` (Sakari's `external.sakari.io`)"),
      Setting.integer("booking_horizon_days", 60, 1, 3650, "public slots and bookings at most this many days ahead"),
      Setting.integer("public_rate_limit_per_minute", 60, 0, 100_000_000, "requests per minute per client address on `/public/v1/*` (each node counts its own); `0` turns it off. Behind a proxy all clients share its address"),
      Setting.string("booking_token_secret", null, "HMAC key (at least 32 characters) that signs the manage tokens of booking links; unset: a key generated by the first node and kept sealed in the database (table `booking_token_key`), shared by every node. Changing it ends every manage token").secret());

  private static final Map<String, Setting> BY_KEY = new LinkedHashMap<>();

  static {
    for (Setting setting : ALL) {
      if (BY_KEY.put(setting.key(), setting) != null) {
        throw new IllegalStateException("setting " + setting.key() + " is listed twice");
      }
    }
  }

  private Settings() {
  }

  /** The setting, or {@code null} when there is none by that key. */
  public static Setting get(String key) {
    return BY_KEY.get(key);
  }

  /** Every key with its default value ({@code null} when unset), in the table's order. */
  public static JsonObject defaults() {
    JsonObject out = new JsonObject();
    ALL.forEach(setting -> out.put(setting.key(), setting.defaultValue()));
    return out;
  }

  /** README's configuration table, header included. */
  public static String readmeTable() {
    StringBuilder out = new StringBuilder("| key / environment variable | default | meaning |\n|---|---|---|\n");
    for (Setting s : ALL) {
      out.append("| `").append(s.key()).append("` / `").append(s.envName()).append("` | ").append(s.defaultText())
          .append(" | ").append(s.description()).append(" |\n");
    }
    return out.toString();
  }

  /** What {@code --help} lists: option, environment variable and default of each setting. */
  public static String help() {
    StringBuilder out = new StringBuilder();
    for (Setting s : ALL) {
      out.append(String.format("  %-34s %-36s %s%n", s.optionName(), s.envName(),
          s.defaultValue() == null ? "(" + s.unsetText().replace("`", "") + ")" : s.defaultValue()));
    }
    return out.toString();
  }
}
