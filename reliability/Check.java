// The judge of Convene's fault scenarios (issue 8): compares what the clients were told (Load.java's
// request log), what the database holds (JDBC, from Convene's jar) and what the webhook receiver got
// (Receiver.java's log), and gives each scenario its figures and a verdict.
//
//   java -cp target/convene.jar reliability/Check.java wait-drained FACTS SECONDS
//       waits until the account has no pending webhook delivery (or SECONDS pass); prints the wait
//   java -cp target/convene.jar reliability/Check.java scenario NAME FACTS OUT.json
//       judges one scenario from its facts (a properties file run.sh wrote); prints the verdict lines
//   java -cp target/convene.jar reliability/Check.java failed NAME REASON OUT.json
//       a FAIL verdict for a scenario that stopped before it could be judged
//   java -cp target/convene.jar reliability/Check.java report META.json OUT_PREFIX SCENARIO.json...
//       writes OUT_PREFIX.md and OUT_PREFIX.json; exits 1 when a scenario failed
//
// Facts every scenario may give: jdbc_url, db_user, db_password, account, load (comma-separated
// request logs), receipts (receiver log), secret_in_logs (a credential appeared in Convene's log).

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

public class Check {

  // ------------------------------------------------------------------ what each scenario is

  static final Map<String, String[]> DESCRIPTION = new LinkedHashMap<>();

  static {
    DESCRIPTION.put("db-kill", new String[] {
        "kill -9 of the PostgreSQL postmaster (a server the script runs itself, fsync and synchronous_commit on)"
            + " under steady writes (PUT reschedules and schedules at a fixed rate), down for a while, then restarted",
        "every acknowledged write is in the database (its event row, with the acknowledged times and version) and its"
            + " event reached the webhook receiver; while the database is down every failed request is a 503 with"
            + " Retry-After, none takes longer than the request timeout; Convene serves again without a restart"});
    DESCRIPTION.put("receiver-down", new String[] {
        "the webhook receiver answers 503 for the first half of the outage, then its process is killed (connection"
            + " refused) for the second half, then it is back; writes go on throughout",
        "every event of every acknowledged change arrives once the receiver is back (none lost, none given up);"
            + " every repeat of an event carries the same webhook-id and the same body; every signature verifies"});
    DESCRIPTION.put("two-instances", new String[] {
        "two Convene processes on one database, both running every worker, writes spread over both; then kill -9"
            + " of one of them mid-load (its clients fail over to the other)",
        "no event delivered twice while both are healthy; no event lost; the deliveries the killed instance had"
            + " leased are delivered by the survivor after their lease lapses; repeats after the kill are counted"});
    DESCRIPTION.put("graceful-shutdown", new String[] {
        "SIGTERM to Convene on its embedded PostgreSQL under HTTP load (keep-alive connections and a new connection"
            + " per request), with webhook deliveries in flight",
        "no request gets a 5xx or a connection reset (refused connections after the listener closed are counted,"
            + " and fine); every acknowledged write is there after a restart on the same data dir; the process exits"
            + " within the bound; the embedded PostgreSQL stopped cleanly (no process left, its log says it shut"
            + " down, the next start does no crash recovery); every event is delivered after the restart"});
    DESCRIPTION.put("slow-clients", new String[] {
        "beside normal traffic at a fixed rate, 300 connections that send a request head, or a whole head and then"
            + " a body, a byte every 500 ms (reconnecting when closed), and 300 connections from one address that"
            + " send nothing; Convene with its default limits",
        "normal traffic keeps its throughput (2xx per second under attack at least the stated share of before) and"
            + " gets no error; no slow connection outlives its timeout (head: from its opening; body: from its head)"
            + " plus a stated slack; every body cut short is answered 408; the connections beyond the per-address"
            + " bound are refused as they open, the others are not"});
    DESCRIPTION.put("embedded-db-dies", new String[] {
        "kill -9 of the embedded PostgreSQL's postmaster under steady writes (PUT reschedules and schedules at a"
            + " fixed rate); nobody restarts it but Convene itself",
        "Convene restarts it within the bound without exiting; every acknowledged write is there and its event"
            + " delivered; every failed request is a 503 with Retry-After, during the outage; service resumes"});
    DESCRIPTION.put("crash-idempotent", new String[] {
        "kill -9 of Convene (embedded PostgreSQL) during a burst of POST /v1/schedule, each with its own"
            + " Idempotency-Key; restart on the same data dir; every request of the burst sent again with its key"
            + " until it gets an answer other than 409",
        "every retried request gets a 2xx; exactly one meeting per key; the retry's answer names that meeting"});
    DESCRIPTION.put("soak", new String[] {
        "mixed load at a moderate fixed rate (GET, PUT, schedule, cancel, list; webhook deliveries on) against the"
            + " jar on its embedded database; every sample: a full GC, then heap used, threads, open files and"
            + " PostgreSQL connections",
        "no error response; every acknowledged write found and its event delivered; no growth beyond the stated"
            + " bounds"});
    DESCRIPTION.put("cluster-kill", new String[] {
        "two API nodes and a worker node on one PostgreSQL, HAProxy in front of the API nodes (checks of"
            + " /health/ready every second); writes through HAProxy, then kill -9 of one API node mid-load",
        "every acknowledged write is in the database and its event delivered; no request failed but those in flight"
            + " at the kill; HAProxy took the node out within its check interval"});
    DESCRIPTION.put("rolling-restart", new String[] {
        "the same cluster under traffic through HAProxy; every node (both API nodes, then the worker node) stopped"
            + " with SIGTERM and started again, one after another, each API node back in HAProxy before the next",
        "zero failed requests (readiness fails for shutdown_delay_seconds before the listener closes, so HAProxy"
            + " stops sending first); every acknowledged write is there and its event delivered"});
    DESCRIPTION.put("cluster-limits", new String[] {
        "one key's requests at a rate above its limit, through HAProxy to two API nodes with rate_limit_scope ="
            + " cluster",
        "the key gets what one bucket allows (burst, then refill) within the stated tolerance, not N times it; every"
            + " refused request is a 429 with Retry-After"});
    DESCRIPTION.put("suite", new String[] {
        "the fast fault and security cases of the test suite (mvn -B test -Dtest=...): hostile input corpus,"
            + " graceful shutdown, failed-auth limiting, database outage, tenant isolation, credentials",
        "every selected test passes; no credential the tests created appears in their logs"});
  }

  // ------------------------------------------------------------------ entry

  public static void main(String[] args) throws Exception {
    switch (args.length == 0 ? "" : args[0]) {
      case "wait-drained" -> waitDrained(facts(args[1]), Integer.parseInt(args[2]));
      case "scenario" -> {
        JsonObject result = scenario(args[1], facts(args[2]));
        Files.writeString(Path.of(args[3]), result.encodePrettily());
        print(result);
      }
      case "report" -> System.exit(report(args));
      case "failed" -> {
        Result res = new Result(args[1]);
        res.check("the scenario ran to its verdict", false, args[2]);
        Files.writeString(Path.of(args[3]), res.json().encodePrettily());
        print(res.json());
      }
      default -> {
        System.err.println("usage: Check.java wait-drained FACTS SECONDS | scenario NAME FACTS OUT | failed NAME REASON OUT"
            + " | report META OUT_PREFIX FILES...");
        System.exit(2);
      }
    }
  }

  static Properties facts(String file) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
      p.load(r);
    }
    return p;
  }

  static Connection db(Properties f) throws SQLException {
    try {
      Class.forName("org.postgresql.Driver");
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("the PostgreSQL JDBC driver is not in the class path (run with -cp target/convene.jar)");
    }
    return DriverManager.getConnection(f.getProperty("jdbc_url"), f.getProperty("db_user"), f.getProperty("db_password"));
  }

  static void waitDrained(Properties f, int seconds) throws Exception {
    long start = System.currentTimeMillis();
    long deadline = start + seconds * 1000L;
    long pending = -1;
    while (System.currentTimeMillis() < deadline) {
      try (Connection c = db(f); PreparedStatement s = c.prepareStatement(
          "SELECT count(*) FROM webhook_deliveries WHERE account_id = ? AND status = 'pending'")) {
        s.setString(1, f.getProperty("account"));
        try (ResultSet rs = s.executeQuery()) {
          rs.next();
          pending = rs.getLong(1);
        }
      } catch (SQLException e) {
        pending = -1; // the database may still be coming back
      }
      if (pending == 0) {
        break;
      }
      Thread.sleep(500);
    }
    System.out.printf(Locale.ROOT, "DRAINED %s %.1f%n", pending == 0 ? "yes" : "no (" + pending + " pending)",
        (System.currentTimeMillis() - start) / 1000.0);
  }

  // ------------------------------------------------------------------ reading

  static List<JsonObject> jsonl(String files) throws IOException {
    List<JsonObject> out = new ArrayList<>();
    if (files == null || files.isBlank()) {
      return out;
    }
    for (String file : files.split(",")) {
      Path p = Path.of(file.trim());
      if (!Files.exists(p)) {
        continue;
      }
      for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          out.add(new JsonObject(line));
        }
      }
    }
    return out;
  }

  record Event(String id, String meetingId, String type, Integer sequence, JsonObject data, long createdMs) {
  }

  record Delivery(String id, String eventId, String status, int attempts, Long leaseUntilMs) {
  }

  /** What the database holds for the account. */
  static final class Db {
    final Map<String, Event> events = new HashMap<>();
    final Map<String, Event> byMeetingSeq = new HashMap<>();
    final Map<String, Integer> meetingVersion = new HashMap<>();
    final Map<String, List<Event>> byMeeting = new HashMap<>();
    final Set<String> titles = new HashSet<>();
    final Map<String, List<Delivery>> deliveries = new HashMap<>();
    long attempts;
    final Map<String, Long> attemptsByEvent = new HashMap<>();

    static Db read(Properties f) throws SQLException {
      Db d = new Db();
      String account = f.getProperty("account");
      try (Connection c = db(f)) {
        query(c, "SELECT id, meeting_id, type, sequence, data::text, (extract(epoch FROM created_at) * 1000)::bigint"
            + " FROM events WHERE account_id = ?", account, rs -> {
          Integer seq = rs.getObject(4) == null ? null : rs.getInt(4);
          Event e = new Event(rs.getString(1), rs.getString(2), rs.getString(3), seq, new JsonObject(rs.getString(5)),
              rs.getLong(6));
          d.events.put(e.id(), e);
          if (e.meetingId() != null && seq != null) {
            d.byMeetingSeq.put(e.meetingId() + "#" + seq, e);
          }
          if (e.meetingId() != null) {
            d.byMeeting.computeIfAbsent(e.meetingId(), k -> new ArrayList<>()).add(e);
          }
        });
        query(c, "SELECT id, version, title FROM meetings WHERE account_id = ?", account, rs -> {
          d.meetingVersion.put(rs.getString(1), rs.getInt(2));
          d.titles.add(rs.getString(3));
        });
        query(c, "SELECT id, event_id, status, attempts, (extract(epoch FROM lease_until) * 1000)::bigint"
            + " FROM webhook_deliveries WHERE account_id = ?", account, rs -> {
          Delivery dl = new Delivery(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4),
              rs.getObject(5) == null ? null : rs.getLong(5));
          d.deliveries.computeIfAbsent(dl.eventId(), k -> new ArrayList<>()).add(dl);
        });
        // Every attempt that ended is counted on its delivery (a first success has no webhook_attempts row).
        query(c, "SELECT event_id, sum(attempts) FROM webhook_deliveries"
            + " WHERE account_id = ? GROUP BY event_id", account, rs -> {
          d.attemptsByEvent.put(rs.getString(1), rs.getLong(2));
          d.attempts += rs.getLong(2);
        });
      }
      return d;
    }
  }

  interface RowHandler {
    void row(ResultSet rs) throws SQLException;
  }

  static void query(Connection c, String sql, String param, RowHandler h) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, param);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          h.row(rs);
        }
      }
    }
  }

  // ------------------------------------------------------------------ judging

  /** A scenario's result: checks (each passed or not, with what was seen), figures, notes. */
  static final class Result {
    final String name;
    final JsonArray checks = new JsonArray();
    final JsonObject figures = new JsonObject();
    final JsonArray notes = new JsonArray();
    final JsonArray tables = new JsonArray();

    Result(String name) {
      this.name = name;
    }

    void check(String what, boolean ok, String seen) {
      checks.add(new JsonObject().put("check", what).put("ok", ok).put("seen", seen));
    }

    void put(String key, Object value) {
      figures.put(key, value);
    }

    JsonObject json() {
      boolean pass = !checks.isEmpty() && checks.stream().allMatch(c -> ((JsonObject) c).getBoolean("ok"));
      String[] d = DESCRIPTION.get(name);
      return new JsonObject().put("name", name).put("verdict", pass ? "PASS" : "FAIL")
          .put("injects", d[0]).put("checks_what", d[1]).put("checks", checks).put("figures", figures)
          .put("notes", notes).put("tables", tables);
    }
  }

  static boolean is2xx(JsonObject r) {
    return r.getString("err") == null && r.getInteger("st", 0) >= 200 && r.getInteger("st", 0) < 300;
  }

  static boolean isWrite(JsonObject r) {
    String op = r.getString("op");
    return op.equals("schedule") || op.equals("put") || op.equals("cancel");
  }

  static long instant(String rfc3339) {
    return OffsetDateTime.parse(rfc3339).toInstant().toEpochMilli();
  }

  /** The event an acknowledged write must have made, or why it is not there. */
  static String findWrite(JsonObject r, Db db) {
    String mid = r.getString("mid");
    Integer v = r.getInteger("v");
    if (mid == null || v == null) {
      return "no meeting id or version in the answer";
    }
    Event e = db.byMeetingSeq.get(mid + "#" + v);
    if (e == null) {
      return "no event " + mid + " #" + v;
    }
    Integer version = db.meetingVersion.get(mid);
    if (version == null || version < v) {
      return "meeting " + mid + " is at version " + version + ", below the acknowledged " + v;
    }
    try {
      switch (r.getString("op")) {
        case "schedule" -> {
          if (!e.type().equals("meeting.scheduled") || instant(e.data().getString("start_time")) != instant(r.getString("start"))) {
            return "event " + e.id() + " is not the acknowledged schedule";
          }
        }
        case "put" -> {
          JsonObject changes = e.data().getJsonObject("changes", new JsonObject());
          if (!e.type().equals("meeting.updated")
              || instant(changes.getString("new_start_time")) != instant(r.getString("start"))
              || instant(changes.getString("new_end_time")) != instant(r.getString("end"))) {
            return "event " + e.id() + " does not hold the acknowledged times";
          }
        }
        default -> {
          if (!e.type().equals("meeting.cancelled")) {
            return "event " + e.id() + " is not a cancellation";
          }
        }
      }
    } catch (RuntimeException ex) {
      return "event " + e.id() + " unreadable: " + ex.getMessage();
    }
    return null;
  }

  /**
   * Whether a write the client got no 2xx for is in the database all the same: a schedule by its title
   * ("Reliability <i>"), an update by the start time it sent, a cancellation by its event.
   */
  static boolean applied(JsonObject r, Db db) {
    List<Event> events = db.byMeeting.getOrDefault(String.valueOf(r.getString("mid")), List.of());
    try {
      return switch (r.getString("op")) {
        case "schedule" -> db.titles.contains("Reliability " + r.getInteger("i"));
        case "put" -> events.stream().anyMatch(e -> e.type().equals("meeting.updated")
            && instant(e.data().getJsonObject("changes").getString("new_start_time")) == instant(r.getString("sent_start")));
        case "cancel" -> events.stream().anyMatch(e -> e.type().equals("meeting.cancelled"));
        default -> false;
      };
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Writes, events and deliveries: the figures every scenario with webhooks reports. */
  static final class Common {
    List<JsonObject> reqs;
    List<JsonObject> receipts;
    Db db;
    List<JsonObject> acked = new ArrayList<>();
    List<String> lostWrites = new ArrayList<>();
    int failedWrites;
    int failedWritesApplied;
    Set<String> subscribed;
    List<Event> made = new ArrayList<>();
    /** Receipts answered 2xx per webhook-id, in order. */
    Map<String, List<JsonObject>> ok = new HashMap<>();
    Map<String, List<JsonObject>> all = new HashMap<>();
    /** First 2xx receipt per event. */
    Map<String, Long> firstOk = new HashMap<>();
    List<String> lostEvents = new ArrayList<>();
    int ackedDelivered;

    static Common read(Properties f) throws Exception {
      Common c = new Common();
      c.reqs = jsonl(f.getProperty("load"));
      c.receipts = jsonl(f.getProperty("receipts"));
      c.db = Db.read(f);
      c.subscribed = new HashSet<>(Arrays.asList(f.getProperty("subscribed",
          "meeting.scheduled,meeting.updated,meeting.cancelled").split(",")));
      for (JsonObject r : c.reqs) {
        if (isWrite(r) && !is2xx(r)) {
          c.failedWrites++;
          if (applied(r, c.db)) {
            c.failedWritesApplied++;
          }
        }
        if (isWrite(r) && is2xx(r)) {
          c.acked.add(r);
          String why = findWrite(r, c.db);
          if (why != null) {
            c.lostWrites.add(r.getString("op") + " " + r.getString("mid") + ": " + why);
          }
        }
      }
      for (JsonObject x : c.receipts) {
        String id = x.getString("id", "?");
        c.all.computeIfAbsent(id, k -> new ArrayList<>()).add(x);
        int st = x.getInteger("st", 0);
        if (st >= 200 && st < 300) {
          c.ok.computeIfAbsent(id, k -> new ArrayList<>()).add(x);
          c.firstOk.merge(id, x.getLong("t"), Math::min);
        }
      }
      for (Event e : c.db.events.values()) {
        if (c.subscribed.contains(e.type())) {
          c.made.add(e);
          if (!c.ok.containsKey(e.id())) {
            c.lostEvents.add(e.id() + " (" + e.type() + " " + e.meetingId() + " #" + e.sequence() + ")");
          }
        }
      }
      for (JsonObject r : c.acked) {
        Event e = c.db.byMeetingSeq.get(r.getString("mid") + "#" + r.getInteger("v"));
        if (e != null && c.ok.containsKey(e.id())) {
          c.ackedDelivered++;
        }
      }
      return c;
    }

    void writes(Result res) {
      res.put("requests", reqs.size());
      res.put("acknowledged", acked.size());
      res.put("found", acked.size() - lostWrites.size());
      res.put("lost", lostWrites.size());
      res.put("failed_writes", failedWrites);
      res.put("failed_writes_applied_anyway", failedWritesApplied);
      res.check("every acknowledged write is in the database", lostWrites.isEmpty(),
          acked.size() + " acknowledged, " + (acked.size() - lostWrites.size()) + " found"
              + (lostWrites.isEmpty() ? "" : "; missing: " + first(lostWrites, 5)));
    }

    void deliveries(Result res) {
      int sigBad = 0;
      int sigNone = 0;
      int unknown = 0;
      int contentMismatch = 0;
      int bodyMismatch = 0;
      int maxPerEvent = 0;
      int dupExtra = 0;
      int dupEvents = 0;
      for (JsonObject x : receipts) {
        Boolean sig = x.getBoolean("sig");
        if (sig == null) {
          sigNone++;
        } else if (!sig) {
          sigBad++;
        }
        Event e = db.events.get(x.getString("id", "?"));
        if (e == null) {
          unknown++;
        } else if (!String.valueOf(e.meetingId()).equals(String.valueOf(x.getString("mid")))
            || !String.valueOf(e.sequence()).equals(String.valueOf(x.getValue("seq")))
            || !e.id().equals(x.getString("eid")) || !e.type().equals(x.getString("type"))) {
          contentMismatch++;
        }
      }
      for (Map.Entry<String, List<JsonObject>> en : all.entrySet()) {
        maxPerEvent = Math.max(maxPerEvent, en.getValue().size());
        if (en.getValue().stream().map(x -> x.getString("h")).distinct().count() > 1) {
          bodyMismatch++;
        }
      }
      for (List<JsonObject> l : ok.values()) {
        if (l.size() > 1) {
          dupEvents++;
          dupExtra += l.size() - 1;
        }
      }
      Map<String, Integer> dbStatus = new TreeMap<>();
      int maxDbAttempts = 0;
      for (List<Delivery> l : db.deliveries.values()) {
        for (Delivery d : l) {
          dbStatus.merge(d.status(), 1, Integer::sum);
          maxDbAttempts = Math.max(maxDbAttempts, d.attempts());
        }
      }
      long lastFirstOk = firstOk.values().stream().mapToLong(Long::longValue).max().orElse(0);
      res.put("events_made", made.size());
      res.put("delivered", made.size() - lostEvents.size());
      res.put("events_lost", lostEvents.size());
      res.put("acknowledged_delivered", ackedDelivered);
      res.put("receipts", receipts.size());
      long unseen = receipts.stream().filter(x -> x.getInteger("st", 0) / 100 == 2 && x.getBoolean("closed", false)).count();
      res.put("duplicate_deliveries", dupExtra);
      res.put("events_delivered_more_than_once", dupEvents);
      res.put("answered_2xx_after_the_sender_gave_up", unseen);
      res.put("max_receipts_per_event", maxPerEvent);
      res.put("attempts_logged_by_convene", db.attempts);
      res.put("max_attempts_per_delivery", maxDbAttempts);
      res.put("deliveries_by_status", new JsonObject(new LinkedHashMap<String, Object>(dbStatus)));
      res.put("last_first_delivery_ms", lastFirstOk);
      res.check("every event made is delivered (none lost)", lostEvents.isEmpty(),
          made.size() + " events made, " + (made.size() - lostEvents.size()) + " delivered"
              + (lostEvents.isEmpty() ? "" : "; lost: " + first(lostEvents, 5)));
      res.check("every acknowledged write's event is delivered", ackedDelivered == acked.size() - lostWrites.size(),
          ackedDelivered + " of " + (acked.size() - lostWrites.size()));
      res.check("no delivery given up or left pending", dbStatus.getOrDefault("failed", 0) == 0
          && dbStatus.getOrDefault("pending", 0) == 0, "deliveries by status " + dbStatus);
      res.check("every signature verifies", sigBad == 0 && sigNone == 0,
          receipts.size() + " receipts, " + sigBad + " bad, " + sigNone + " unchecked");
      res.check("every repeat of an event has the same webhook-id and body", bodyMismatch == 0 && contentMismatch == 0
              && unknown == 0,
          bodyMismatch + " events with differing bodies, " + contentMismatch + " receipts not matching their event, "
              + unknown + " receipts of unknown ids");
    }

    /** Requests by operation and outcome ("put 200", "get 503", "schedule refused"). */
    JsonObject outcomes() {
      Map<String, Object> m = new TreeMap<>();
      for (JsonObject r : reqs) {
        String outcome = r.getString("err") != null ? r.getString("err") : String.valueOf(r.getInteger("st"));
        m.merge(r.getString("op") + " " + outcome, 1, (a, b) -> (Integer) a + (Integer) b);
      }
      return new JsonObject(m);
    }
  }

  static JsonObject scenario(String name, Properties f) throws Exception {
    Result res = new Result(name);
    switch (name) {
      case "db-kill" -> dbKill(res, f);
      case "receiver-down" -> receiverDown(res, f);
      case "two-instances" -> twoInstances(res, f);
      case "graceful-shutdown" -> gracefulShutdown(res, f);
      case "slow-clients" -> slowClients(res, f);
      case "embedded-db-dies" -> embeddedDbDies(res, f);
      case "crash-idempotent" -> crashIdempotent(res, f);
      case "soak" -> soak(res, f);
      case "cluster-kill" -> clusterKill(res, f);
      case "rolling-restart" -> rollingRestart(res, f);
      case "cluster-limits" -> clusterLimits(res, f);
      case "suite" -> suite(res, f);
      default -> throw new IllegalArgumentException("unknown scenario " + name);
    }
    if (f.getProperty("secret_in_logs") != null) {
      boolean leaked = Boolean.parseBoolean(f.getProperty("secret_in_logs"));
      res.check("no API key or webhook secret in Convene's log", !leaked, leaked ? "found in the log" : "none");
    }
    for (String key : f.stringPropertyNames()) {
      if (key.startsWith("note.")) {
        res.notes.add(f.getProperty(key));
      }
    }
    JsonObject out = res.json();
    out.put("settings", settings(f));
    return out;
  }

  static JsonObject settings(Properties f) {
    JsonObject s = new JsonObject();
    new TreeMap<>(f).forEach((k, v) -> {
      if (k.toString().startsWith("setting.")) {
        s.put(k.toString().substring(8), v.toString());
      }
    });
    return s;
  }

  static long num(Properties f, String key) {
    String v = f.getProperty(key);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("fact " + key + " is missing");
    }
    return Long.parseLong(v.trim());
  }

  static double secs(long ms) {
    return Math.round(ms / 100.0) / 10.0;
  }

  static Double pct(List<Double> values, double p) {
    if (values.isEmpty()) {
      return null;
    }
    List<Double> s = values.stream().sorted().toList();
    int i = (int) Math.ceil(p / 100.0 * s.size()) - 1;
    return Math.round(s.get(Math.max(0, Math.min(s.size() - 1, i))) * 10) / 10.0;
  }

  static String first(List<String> l, int n) {
    return l.stream().limit(n).collect(Collectors.joining("; ")) + (l.size() > n ? " (+" + (l.size() - n) + " more)" : "");
  }

  // ------------------------------------------------------------------ 1. db-kill

  static void dbKill(Result res, Properties f) throws Exception {
    long kill = num(f, "kill_ms");
    long back = num(f, "db_back_ms");
    long timeout = num(f, "request_timeout_ms");
    long recoverBound = num(f, "recover_bound_s");
    Common c = Common.read(f);
    c.writes(res);
    c.deliveries(res);

    List<Double> failedMs = new ArrayList<>();
    List<String> unexpected = new ArrayList<>();
    int without503RetryAfter = 0;
    double maxDuringOutage = 0;
    Long firstOkAfterBack = null;
    Long lastFailureAfterBack = null;
    int failedAfterBack = 0;
    int sentDuringOutage = 0;
    for (JsonObject r : c.reqs) {
      long sent = r.getLong("sent");
      long done = r.getLong("done");
      if (sent >= kill && sent < back) {
        sentDuringOutage++;
        maxDuringOutage = Math.max(maxDuringOutage, r.getDouble("ms"));
      }
      if (is2xx(r)) {
        if (done >= back && (firstOkAfterBack == null || done < firstOkAfterBack)) {
          firstOkAfterBack = done;
        }
        continue;
      }
      failedMs.add(r.getDouble("ms"));
      if (sent >= back) {
        failedAfterBack++;
        lastFailureAfterBack = lastFailureAfterBack == null ? sent : Math.max(lastFailureAfterBack, sent);
      }
      boolean inWindow = done >= kill - 1000 && sent <= back + recoverBound * 1000;
      if (r.getString("err") == null && r.getInteger("st") == 503 && r.getString("ra") != null && inWindow) {
        continue;
      }
      if (r.getString("err") == null && r.getInteger("st") == 503 && r.getString("ra") == null) {
        without503RetryAfter++;
      }
      unexpected.add(r.getString("op") + " " + (r.getString("err") != null ? r.getString("err") + " (" + r.getString("msg") + ")"
          : r.getInteger("st")) + " sent " + secs(sent - kill) + " s after the kill");
    }
    double maxFailed = failedMs.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    res.put("outcomes", c.outcomes());
    res.put("database_down_s", secs(back - kill));
    res.put("requests_sent_while_down", sentDuringOutage);
    res.put("failed_requests", failedMs.size());
    res.put("failed_latency_p50_ms", pct(failedMs, 50));
    res.put("failed_latency_p99_ms", pct(failedMs, 99));
    res.put("failed_latency_max_ms", Math.round(maxFailed * 10) / 10.0);
    res.put("max_latency_sent_while_down_ms", Math.round(maxDuringOutage * 10) / 10.0);
    res.put("first_2xx_after_db_back_s", firstOkAfterBack == null ? null : secs(firstOkAfterBack - back));
    res.put("failed_sent_after_db_back", failedAfterBack);
    res.put("last_failure_after_db_back_s", lastFailureAfterBack == null ? null : secs(lastFailureAfterBack - back));
    // Serving again: the first 2xx came, and no request sent later failed.
    Long recovered = firstOkAfterBack == null ? null
        : Math.max(firstOkAfterBack, lastFailureAfterBack == null ? firstOkAfterBack : lastFailureAfterBack) - back;
    res.put("recovery_s", recovered == null ? null : secs(Math.max(0, recovered)));
    res.check("every failed request is a 503 with Retry-After, during the outage", unexpected.isEmpty(),
        failedMs.size() + " failed" + (unexpected.isEmpty() ? "" : "; unexpected " + unexpected.size() + ": "
            + first(unexpected, 4)) + (without503RetryAfter > 0 ? "; " + without503RetryAfter + " 503 without Retry-After" : ""));
    res.check("no request hangs past the request timeout (" + timeout + " ms)", maxFailed <= timeout && maxDuringOutage <= timeout,
        "slowest failed request " + Math.round(maxFailed) + " ms, slowest sent while down " + Math.round(maxDuringOutage) + " ms");
    res.check("Convene serves again by itself (first 2xx, no failure after) within " + recoverBound + " s of the database",
        recovered != null && recovered <= recoverBound * 1000,
        recovered == null ? "no 2xx after the database came back" : "first 2xx " + secs(firstOkAfterBack - back)
            + " s after it was back, " + failedAfterBack + " requests sent after it was back failed"
            + (lastFailureAfterBack == null ? "" : " (the last sent " + secs(lastFailureAfterBack - back) + " s after)"));
  }

  // ------------------------------------------------------------------ slow-clients

  static void slowClients(Result res, Properties f) throws Exception {
    long t0 = num(f, "load_start_ms");
    long attackStart = num(f, "attack_start_ms");
    long attackEnd = num(f, "attack_end_ms");
    long headMs = num(f, "header_timeout_s") * 1000;
    long bodyMs = num(f, "body_timeout_s") * 1000;
    long slack = num(f, "slack_ms");
    long perAddress = num(f, "per_address_limit");
    long greedy = num(f, "greedy_connections");
    double bound = Double.parseDouble(f.getProperty("throughput_bound"));
    List<Double> before = new ArrayList<>();
    List<Double> during = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    for (JsonObject r : jsonl(f.getProperty("load"))) {
      if (!"load".equals(r.getString("phase"))) {
        continue;
      }
      long done = r.getLong("done");
      if (!is2xx(r)) {
        failed.add(r.getString("op") + " " + (r.getString("err") != null ? r.getString("err") : r.getInteger("st")));
      } else if (done >= t0 && done < attackStart) {
        before.add(r.getDouble("ms"));
      } else if (done >= attackStart && done < attackEnd) {
        during.add(r.getDouble("ms"));
      }
    }
    double rateBefore = before.size() / ((attackStart - t0) / 1000.0);
    double rateDuring = during.size() / ((attackEnd - attackStart) / 1000.0);
    res.put("throughput_before_per_s", round1(rateBefore));
    res.put("throughput_under_attack_per_s", round1(rateDuring));
    res.put("normal_failed", failed.size());
    res.put("p50_before_ms", pct(before, 50));
    res.put("p99_before_ms", pct(before, 99));
    res.put("p50_under_attack_ms", pct(during, 50));
    res.put("p99_under_attack_ms", pct(during, 99));
    res.check("normal traffic keeps its throughput (at least " + Math.round(bound * 100) + " % of before)",
        rateDuring >= bound * rateBefore, round1(rateDuring) + "/s under attack, " + round1(rateBefore) + "/s before");
    res.check("no normal request failed", failed.isEmpty(), failed.isEmpty() ? "none" : first(failed, 5));

    List<String> overdue = new ArrayList<>();
    long maxHead = 0;
    long maxBody = 0;
    long maxIdle = 0;
    int bodyByServer = 0;
    int answered408 = 0;
    int refused = 0;
    int slow = 0;
    for (JsonObject c : jsonl(f.getProperty("slow"))) {
      slow++;
      String kind = c.getString("kind");
      long opened = c.getLong("opened");
      long closed = c.getLong("closed");
      boolean byServer = "server".equals(c.getString("by"));
      switch (kind) {
        case "head" -> {
          maxHead = Math.max(maxHead, closed - opened);
          if (closed - opened > headMs + slack) {
            overdue.add("head " + (closed - opened) + " ms");
          }
        }
        case "body" -> {
          long life = closed - c.getLong("head_done", opened);
          maxBody = Math.max(maxBody, life);
          if (life > bodyMs + slack) {
            overdue.add("body " + life + " ms");
          }
          if (byServer) {
            bodyByServer++;
            if (c.getInteger("status") == 408) {
              answered408++;
            }
          }
        }
        default -> {
          if (byServer && closed - opened < 1000 && c.getInteger("got") == 0) {
            refused++;
          } else {
            maxIdle = Math.max(maxIdle, closed - opened);
            if (closed - opened > headMs + slack) {
              overdue.add("idle " + (closed - opened) + " ms");
            }
          }
        }
      }
    }
    res.put("slow_connections", slow);
    res.put("max_head_lifetime_s", secs(maxHead));
    res.put("max_body_lifetime_s", secs(maxBody));
    res.put("max_idle_lifetime_s", secs(maxIdle));
    res.put("bodies_closed_by_server", bodyByServer);
    res.put("answered_408", answered408);
    res.put("refused_at_open", refused);
    res.check("no slow connection outlives its timeout (head " + headMs / 1000 + " s, body " + bodyMs / 1000
            + " s, + " + slack + " ms)", overdue.isEmpty(),
        overdue.isEmpty() ? "longest: head " + secs(maxHead) + " s, body " + secs(maxBody) + " s, idle " + secs(maxIdle) + " s"
            : overdue.size() + " overdue: " + first(overdue, 5));
    res.check("every body cut short is answered 408", bodyByServer > 0 && answered408 == bodyByServer,
        answered408 + " of " + bodyByServer + " closed by the server");
    res.check("exactly the connections beyond " + perAddress + " from one address are refused", refused == greedy - perAddress,
        refused + " of " + greedy + " refused as they opened");
  }

  // ------------------------------------------------------------------ embedded-db-dies

  static void embeddedDbDies(Result res, Properties f) throws Exception {
    long kill = num(f, "kill_ms");
    long back = num(f, "db_back_ms");
    long bound = num(f, "restart_bound_s");
    boolean restarted = Boolean.parseBoolean(f.getProperty("restarted_by_convene"));
    res.put("restarted_after_s", restarted ? secs(back - kill) : null);
    res.check("Convene restarted its PostgreSQL by itself within " + bound + " s", restarted && back - kill <= bound * 1000,
        restarted ? "after " + secs(back - kill) + " s" : "no restart in its log");
    res.check("Convene kept running (no person, no process supervisor)",
        Boolean.parseBoolean(f.getProperty("convene_kept_running")), f.getProperty("convene_kept_running"));
    dbKill(res, f);
  }

  // ------------------------------------------------------------------ crash-idempotent

  static void crashIdempotent(Result res, Properties f) throws Exception {
    int n = (int) num(f, "requests");
    String run = f.getProperty("run");
    Map<Integer, List<String>> meetings = new HashMap<>();
    try (Connection c = db(f)) {
      query(c, "SELECT title, id FROM meetings WHERE account_id = ? ORDER BY seq", f.getProperty("account"), rs -> {
        String title = rs.getString(1);
        if (title.startsWith("Crash " + run + " ")) {
          meetings.computeIfAbsent(Integer.parseInt(title.substring(("Crash " + run + " ").length())),
              k -> new ArrayList<>()).add(rs.getString(2));
        }
      });
    }
    int answered = 0;
    for (JsonObject r : jsonl(f.getProperty("sent"))) {
      if (is2xx(r)) {
        answered++;
      }
    }
    int replayed = 0;
    int ran = 0;
    List<String> notFinal = new ArrayList<>();
    List<String> wrongMeeting = new ArrayList<>();
    for (JsonObject r : jsonl(f.getProperty("retried"))) {
      if (!is2xx(r)) {
        notFinal.add(r.getString("key") + " " + (r.getString("err") != null ? r.getString("err") : r.getInteger("st")));
        continue;
      }
      if (Boolean.TRUE.equals(r.getBoolean("replayed"))) {
        replayed++;
      } else {
        ran++;
      }
      List<String> ids = meetings.getOrDefault(r.getInteger("i"), List.of());
      if (!ids.contains(r.getString("mid"))) {
        wrongMeeting.add(r.getString("key") + " answered " + r.getString("mid") + ", database holds " + ids);
      }
    }
    int one = 0;
    int twoOrMore = 0;
    int none = 0;
    int extra = 0;
    List<String> duplicated = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int count = meetings.getOrDefault(i, List.of()).size();
      if (count == 1) {
        one++;
      } else if (count == 0) {
        none++;
      } else {
        twoOrMore++;
        extra += count - 1;
        duplicated.add(run + "-" + i + " x" + count);
      }
    }
    res.put("requests", n);
    res.put("answered_before_kill", answered);
    res.put("replayed_on_retry", replayed);
    res.put("ran_on_retry", ran);
    res.put("retries_without_a_final_answer", notFinal.size());
    res.put("keys_with_one_meeting", one);
    res.put("keys_with_two_or_more", twoOrMore);
    res.put("keys_with_none", none);
    res.put("extra_meetings", extra);
    res.check("every retried request gets a 2xx", notFinal.isEmpty(),
        notFinal.isEmpty() ? n + " of " + n : notFinal.size() + " without: " + first(notFinal, 5));
    res.check("exactly one meeting per Idempotency-Key", one == n,
        one + " keys with one meeting, " + twoOrMore + " with more (" + extra + " extra meetings"
            + (duplicated.isEmpty() ? "" : ": " + first(duplicated, 5)) + "), " + none + " with none");
    res.check("each retry's answer names the key's meeting", wrongMeeting.isEmpty(),
        wrongMeeting.isEmpty() ? "all" : wrongMeeting.size() + ": " + first(wrongMeeting, 3));
  }

  // ------------------------------------------------------------------ 2. receiver-down

  static void receiverDown(Result res, Properties f) throws Exception {
    long down = num(f, "outage_start_ms");
    long gone = num(f, "gone_ms");
    long back = num(f, "back_ms");
    Common c = Common.read(f);
    c.writes(res);
    c.deliveries(res);
    List<String> failed = new ArrayList<>();
    for (JsonObject r : c.reqs) {
      if (!is2xx(r)) {
        failed.add(r.getString("op") + " " + (r.getString("err") != null ? r.getString("err") : r.getInteger("st")));
      }
    }
    int receipts503 = 0;
    int duringOutage = 0;
    for (JsonObject x : c.receipts) {
      if (x.getInteger("st", 0) == 503) {
        receipts503++;
      }
    }
    Map<Integer, Integer> receiptsPerEvent = new TreeMap<>();
    c.all.values().forEach(l -> receiptsPerEvent.merge(l.size(), 1, Integer::sum));
    for (Event e : c.made) {
      if (e.createdMs() >= down && e.createdMs() < back) {
        duringOutage++;
      }
    }
    long last = c.firstOk.values().stream().mapToLong(Long::longValue).max().orElse(back);
    res.put("outcomes", c.outcomes());
    res.put("receiver_503_s", secs(gone - down));
    res.put("receiver_gone_s", secs(back - gone));
    res.put("events_made_while_down", duringOutage);
    res.put("receipts_answered_503", receipts503);
    JsonObject perEvent = new JsonObject();
    receiptsPerEvent.forEach((k, n) -> perEvent.put(String.valueOf(k), n));
    res.put("events_by_receipts_seen", perEvent);
    res.put("drained_after_back_s", secs(Math.max(0, last - back)));
    res.check("the API kept answering 2xx while the receiver was down", failed.isEmpty(),
        failed.isEmpty() ? "all " + c.reqs.size() + " requests 2xx" : failed.size() + " failed: " + first(failed, 4));
    res.check("repeated attempts were seen during the 503 phase", receipts503 > 0, receipts503 + " answered 503");
  }

  // ------------------------------------------------------------------ 3. two-instances

  static void twoInstances(Result res, Properties f) throws Exception {
    long kill = num(f, "kill_ms");
    int dead = (int) num(f, "killed_instance");
    long leaseS = num(f, "lease_s");
    Common c = Common.read(f);
    c.writes(res);
    c.deliveries(res);

    // Delivered twice = two 2xx answers that Convene saw. A receipt answered after the sender had given up
    // (its attempt timed out, or its instance died) and then retried is at least once, counted apart.
    int dupHealthy = 0;
    int dupAfter = 0;
    int retriedHealthy = 0;
    for (List<JsonObject> l : c.ok.values()) {
      if (l.size() < 2) {
        continue;
      }
      List<Long> seen = l.stream().filter(x -> !x.getBoolean("closed", false)).map(x -> x.getLong("t")).sorted().toList();
      List<Long> all = l.stream().map(x -> x.getLong("t")).sorted().toList();
      if (seen.size() >= 2 && seen.get(1) < kill) {
        dupHealthy += seen.size() - 1;
      } else if (all.get(1) < kill) {
        retriedHealthy += l.size() - 1;
      } else {
        dupAfter += l.size() - 1;
      }
    }
    // Leases are not named by instance. The survivor finishes its own within moments; a delivery still
    // leased under the same token 3 s after the kill is most likely the dead one's; a delivery leased at
    // the kill with a 2xx answer that Convene saw after its lease lapsed was taken over by the survivor
    // (the dead one may have sent it too: answered unseen, or seen but never recorded).
    Map<String, String[]> atKill = leases(f.getProperty("leases_at_kill"));
    Map<String, String[]> later = leases(f.getProperty("leases_later"));
    int stillLeased = 0;
    int notDelivered = 0;
    int takenOver = 0;
    List<Double> afterLapse = new ArrayList<>();
    for (Map.Entry<String, String[]> e : atKill.entrySet()) {
      String deliveryId = e.getKey();
      String eventId = e.getValue()[0];
      long leaseUntil = Long.parseLong(e.getValue()[2]);
      String[] l = later.get(deliveryId);
      if (l != null && l[1].equals(e.getValue()[1])) {
        stillLeased++;
      }
      boolean success = c.db.deliveries.getOrDefault(eventId, List.of()).stream()
          .anyMatch(d -> d.id().equals(deliveryId) && d.status().equals("success"));
      if (!success) {
        notDelivered++;
      }
      List<Long> okTimes = c.ok.getOrDefault(eventId, List.of()).stream().filter(x -> !x.getBoolean("closed", false))
          .map(x -> x.getLong("t")).sorted().toList();
      Long firstAfter = okTimes.stream().filter(t -> t >= leaseUntil - 1000).findFirst().orElse(null);
      if (success && firstAfter != null) {
        takenOver++;
        afterLapse.add((firstAfter - leaseUntil) / 1000.0);
      }
    }
    List<String> unexpected = new ArrayList<>();
    int cut = 0;
    for (JsonObject r : c.reqs) {
      if (is2xx(r)) {
        continue;
      }
      String err = r.getString("err");
      // In flight to the killed instance: sent before it died (kill_ms is taken just after kill -9 returns),
      // cut when it died. Requests that found it gone were refused and failed over.
      boolean atTheKill = err != null && !err.equals("refused") && r.getInteger("inst") == dead
          && r.getLong("sent") <= kill + 500 && r.getLong("done") >= kill - 100 && r.getLong("done") <= kill + 3000;
      if (atTheKill) {
        cut++;
      } else {
        unexpected.add(r.getString("op") + " " + (err != null ? err + " (" + r.getString("msg") + ")" : r.getInteger("st"))
            + " on instance " + r.getInteger("inst"));
      }
    }
    long last = c.firstOk.values().stream().mapToLong(Long::longValue).max().orElse(kill);
    long failovers = c.reqs.stream().filter(r -> r.getBoolean("failover", false)).count();
    res.put("outcomes", c.outcomes());
    res.put("duplicates_while_healthy", dupHealthy);
    res.put("retried_after_unseen_answer_while_healthy", retriedHealthy);
    res.put("duplicates_after_kill", dupAfter);
    res.put("leased_at_kill", atKill.size());
    res.put("still_leased_3s_after_kill", stillLeased);
    res.put("leases_taken_over", takenOver);
    res.put("taken_over_after_lease_lapsed_max_s", afterLapse.isEmpty() ? null
        : Math.round(afterLapse.stream().mapToDouble(Double::doubleValue).max().getAsDouble() * 10) / 10.0);
    res.put("lease_s", leaseS);
    res.put("requests_cut_at_kill", cut);
    res.put("requests_failed_over", failovers);
    res.put("all_delivered_after_kill_s", secs(Math.max(0, last - kill)));
    res.put("all_delivered_after_load_end_s", secs(Math.max(0, last - num(f, "load_end_ms"))));
    res.check("no event delivered twice while both instances were healthy (two 2xx answers Convene saw)", dupHealthy == 0,
        dupHealthy + " delivered twice; " + retriedHealthy + " received again after an answer Convene did not see"
            + " (attempt timed out first: at least once)");
    res.check("every delivery leased at the kill was delivered; the killed instance's after their lease lapsed",
        notDelivered == 0 && (stillLeased == 0 || takenOver > 0),
        atKill.size() + " leased at the kill (either instance), " + stillLeased + " still under the same lease 3 s later, "
            + takenOver + " delivered again after the lease lapsed (taken over), " + notDelivered + " not delivered");
    res.check("no request failed but those in flight to the killed instance", unexpected.isEmpty(),
        cut + " cut at the kill" + (unexpected.isEmpty() ? "" : "; unexpected " + unexpected.size() + ": " + first(unexpected, 4)));
  }

  /** "delivery_id|event_id|lease_token|lease_until_ms" lines (psql -At). */
  static Map<String, String[]> leases(String file) throws IOException {
    Map<String, String[]> m = new HashMap<>();
    if (file == null || !Files.exists(Path.of(file))) {
      return m;
    }
    for (String line : Files.readAllLines(Path.of(file))) {
      String[] p = line.trim().split("\\|");
      if (p.length == 4) {
        m.put(p[0], new String[] {p[1], p[2], p[3]});
      }
    }
    return m;
  }

  // ------------------------------------------------------------------ 4. graceful-shutdown

  static void gracefulShutdown(Result res, Properties f) throws Exception {
    long term = num(f, "sigterm_ms");
    long exit = num(f, "exit_ms");
    long bound = num(f, "exit_bound_s");
    long restartReady = num(f, "restart_ready_ms");
    Common c = Common.read(f);
    c.writes(res);
    c.deliveries(res);
    int refused = 0;
    int notConnected = 0;
    int closedUnapplied = 0;
    int inFlightAtTerm = 0;
    int slowInFlight = 0;
    int inFlightOk = 0;
    int okAfterTerm = 0;
    List<String> bad = new ArrayList<>();
    Map<String, Integer> byConnection = new TreeMap<>();
    for (JsonObject r : c.reqs) {
      long sent = r.getLong("sent");
      long done = r.getLong("done");
      boolean ok = is2xx(r);
      long wrote0 = r.getLong("wrote", 0L);
      if (wrote0 > 0 && wrote0 < term && done >= term) {
        inFlightAtTerm++;
        if (r.getBoolean("slow", false)) {
          slowInFlight++;
        }
        if (ok) {
          inFlightOk++;
        }
      }
      if (ok && sent >= term) {
        okAfterTerm++;
      }
      String err = r.getString("err");
      String conn = r.getBoolean("ka", true) ? "keep-alive" : "new connection";
      byConnection.merge(conn + " " + (err != null ? err : String.valueOf(r.getInteger("st"))), 1, Integer::sum);
      if (ok) {
        continue;
      }
      // Refused: the request never went out, and the attempt (which may have waited in the client's queue)
      // ended after SIGTERM.
      long wrote = r.getLong("wrote", 0L);
      if ("refused".equals(err) && wrote == 0 && done >= term) {
        refused++;
        continue;
      }
      // Reset by the kernel: a connection still in the accept queue when the listener closed (the kernel had
      // completed it, so the client may have written its request). Convene never resets a connection it
      // accepted; such a request was never read. Allowed when it ended after SIGTERM and is not in the database.
      if ("reset".equals(err) && done >= term && (wrote == 0 || wrote >= term - 1000) && !applied(r, c.db)) {
        notConnected++;
        continue;
      }
      // Written to a connection the server was closing: Vert.x drops what arrives after its shutdown began
      // and closes the connection. Like a refused request, provided it was written after SIGTERM (1 s margin
      // for bytes not yet read) and is not in the database.
      if ("closed".equals(err) && wrote >= term - 1000 && !applied(r, c.db)) {
        closedUnapplied++;
        continue;
      }
      bad.add(r.getString("op") + " " + conn + " " + (err != null ? err + " (" + r.getString("msg") + ")" : r.getInteger("st"))
          + " handed to the client " + secs(sent - term) + " s after SIGTERM, written " + (wrote == 0 ? "never"
          : secs(wrote - term) + " s after") + ", ended " + secs(done - term) + " s after");
    }
    long fiveXx = c.reqs.stream().filter(r -> r.getString("err") == null && r.getInteger("st") >= 500).count();
    long resets = c.reqs.stream().filter(r -> r.getString("err") != null && !r.getString("err").equals("refused")).count();
    res.put("outcomes", c.outcomes());
    res.put("outcomes_by_connection", new JsonObject(new LinkedHashMap<String, Object>(byConnection)));
    res.put("in_flight_at_sigterm", inFlightAtTerm);
    res.put("in_flight_completed_2xx", inFlightOk);
    res.put("slow_uploads_in_flight_at_sigterm", slowInFlight);
    res.put("answered_2xx_after_sigterm", okAfterTerm);
    res.put("refused_after_listener_closed", refused);
    res.put("reset_in_accept_queue", notConnected);
    res.put("closed_unanswered_not_applied", closedUnapplied);
    res.put("responses_5xx", fiveXx);
    res.put("transport_errors_other_than_refused", resets);
    res.put("exit_s", secs(exit - term));
    res.put("exit_bound_s", bound);
    res.put("delivered_after_restart_s", c.firstOk.isEmpty() ? null
        : secs(Math.max(0, c.firstOk.values().stream().mapToLong(Long::longValue).max().getAsLong() - restartReady)));
    for (String k : List.of("leases_left_held", "pending_at_restart", "drain_log")) {
      if (f.getProperty(k) != null) {
        res.put(k, f.getProperty(k).matches("-?\\d+") ? (Object) Long.parseLong(f.getProperty(k)) : f.getProperty(k));
      }
    }
    res.check("no 5xx, no reset of an accepted request: every request answered 2xx, or after SIGTERM refused,"
            + " reset in the accept queue or closed unanswered, and then not applied",
        bad.isEmpty(), fiveXx + " 5xx; " + refused + " refused, " + notConnected + " reset in the accept queue, "
            + closedUnapplied + " closed unanswered (not applied)"
            + (bad.isEmpty() ? "" : "; failing: " + first(bad, 4)));
    res.check("every request in flight at SIGTERM (written before it, not answered yet) completed with a 2xx",
        inFlightOk == inFlightAtTerm, inFlightOk + " of " + inFlightAtTerm + " (" + slowInFlight
            + " of them slow uploads, their body half sent)");
    res.check("the process exits within " + bound + " s of SIGTERM", exit - term <= bound * 1000, "exited after " + secs(exit - term) + " s");
    res.check("the leases of webhook attempts in flight were given back (none leased past the exit)",
        "0".equals(f.getProperty("leases_left_held")), f.getProperty("leases_left_held") + " leased past the exit, "
            + f.getProperty("pending_at_restart") + " pending at the restart");
    res.check("the embedded PostgreSQL stopped cleanly", Boolean.parseBoolean(f.getProperty("pg_clean")), f.getProperty("pg_clean_detail"));
    res.check("the next start does no crash recovery", Boolean.parseBoolean(f.getProperty("no_recovery")),
        f.getProperty("no_recovery_detail"));
  }

  // ------------------------------------------------------------------ 7-9. a cluster behind HAProxy

  static void clusterKill(Result res, Properties f) throws Exception {
    long kill = num(f, "kill_ms");
    long down = num(f, "lb_down_ms");
    long bound = num(f, "lb_bound_ms");
    Common c = Common.read(f);
    c.writes(res);
    c.deliveries(res);
    // Through HAProxy the client cannot tell the nodes apart: a request that failed must have been in
    // flight at the kill (sent before it, answered after). Requests that reached the dead node later
    // found its port closed and were sent to the other one (retry-on conn-failure, redispatch).
    int cut = 0;
    List<String> unexpected = new ArrayList<>();
    for (JsonObject r : c.reqs) {
      if (is2xx(r)) {
        continue;
      }
      if (r.getLong("sent") <= kill + 200 && r.getLong("done") >= kill - 100) {
        cut++;
      } else {
        unexpected.add(r.getString("op") + " " + (r.getString("err") != null ? r.getString("err") : r.getInteger("st"))
            + " sent " + secs(r.getLong("sent") - kill) + " s after the kill");
      }
    }
    res.put("outcomes", c.outcomes());
    res.put("requests_cut_at_kill", cut);
    res.put("lb_marked_down_after_ms", down - kill);
    res.check("no request failed but those in flight at the kill", unexpected.isEmpty(),
        cut + " in flight at the kill failed" + (unexpected.isEmpty() ? "" : "; unexpected " + unexpected.size() + ": "
            + first(unexpected, 4)));
    res.check("HAProxy took the killed node out within its checks (2 × 1 s, + 1 s)", down - kill <= bound,
        "marked DOWN " + (down - kill) + " ms after the kill");
  }

  static void rollingRestart(Result res, Properties f) throws Exception {
    Common c = Common.read(f);
    c.writes(res);
    c.deliveries(res);
    List<String> failed = new ArrayList<>();
    for (JsonObject r : c.reqs) {
      if (!is2xx(r)) {
        failed.add(r.getString("op") + " " + (r.getString("err") != null ? r.getString("err") + " (" + r.getString("msg") + ")"
            : r.getInteger("st")));
      }
    }
    long restartsDone = num(f, "restarts_done_ms");
    long loadEnd = num(f, "load_end_ms");
    res.put("outcomes", c.outcomes());
    res.put("failed_requests", failed.size());
    res.put("restarts_s", secs(restartsDone - num(f, "restarts_started_ms")));
    res.notes.add(f.getProperty("restarts"));
    res.check("zero failed requests", failed.isEmpty(), failed.isEmpty() ? "all " + c.reqs.size() + " requests 2xx"
        : failed.size() + " failed: " + first(failed, 4));
    res.check("every node was restarted while the load ran", restartsDone <= loadEnd,
        "restarts done " + secs(loadEnd - restartsDone) + " s before the load ended");
  }

  static void clusterLimits(Result res, Properties f) throws Exception {
    List<JsonObject> reqs = jsonl(f.getProperty("load"));
    long limit = num(f, "limit_per_minute");
    long nodes = num(f, "api_nodes");
    double perSecond = limit / 60.0;
    long admitted = reqs.stream().filter(Check::is2xx).count();
    long firstSent = reqs.stream().mapToLong(r -> r.getLong("sent")).min().orElse(0);
    long lastDone = reqs.stream().filter(Check::is2xx).mapToLong(r -> r.getLong("done")).max().orElse(firstSent);
    // What one bucket allows from the key's first request to its last admitted one: the burst, then the refill.
    double allowed = limit + perSecond * (lastDone - firstSent) / 1000.0;
    // The stated tolerance: within one reconciliation (1 s) each other node may spend the same refill.
    double tolerance = (nodes - 1) * perSecond * num(f, "reconcile_ms") / 1000.0 + 1;
    List<String> other = new ArrayList<>();
    for (JsonObject r : reqs) {
      if (!is2xx(r) && (r.getInteger("st", 0) != 429 || r.getValue("ra") == null)) {
        other.add(r.getString("op") + " " + (r.getString("err") != null ? r.getString("err") : r.getInteger("st")));
      }
    }
    res.put("requests", reqs.size());
    res.put("admitted", admitted);
    res.put("refused_429", reqs.stream().filter(r -> r.getInteger("st", 0) == 429).count());
    res.put("allowed_by_one_bucket", Math.round(allowed));
    res.put("tolerance", Math.round(tolerance * 10) / 10.0);
    res.put("node_scope_would_admit_up_to", Math.round(Math.min(reqs.size(), nodes * allowed)));
    res.check("the key's admitted requests stay within the limit + the tolerance across the nodes",
        admitted <= allowed + tolerance, admitted + " admitted; one bucket allows " + Math.round(allowed)
            + ", tolerance " + Math.round(tolerance * 10) / 10.0);
    res.check("and the limit is not cut short (at least 90 % of what one bucket allows)", admitted >= 0.9 * allowed,
        admitted + " of " + Math.round(allowed));
    res.check("every refused request is a 429 with Retry-After", other.isEmpty(),
        other.isEmpty() ? "yes" : other.size() + " others: " + first(other, 4));
  }

  // ------------------------------------------------------------------ 5. soak

  static void soak(Result res, Properties f) throws Exception {
    Common c = Common.read(f);
    c.writes(res);
    c.deliveries(res);
    List<String> failed = new ArrayList<>();
    Map<String, List<Double>> latency = new TreeMap<>();
    for (JsonObject r : c.reqs) {
      latency.computeIfAbsent(r.getString("op"), k -> new ArrayList<>()).add(r.getDouble("ms"));
      if (!is2xx(r)) {
        failed.add(r.getString("op") + " " + (r.getString("err") != null ? r.getString("err") + " (" + r.getString("msg") + ")"
            : r.getInteger("st")));
      }
    }
    JsonObject lat = new JsonObject();
    latency.forEach((op, l) -> lat.put(op, new JsonObject().put("count", l.size()).put("p50_ms", pct(l, 50))
        .put("p99_ms", pct(l, 99)).put("max_ms", pct(l, 100))));
    res.put("outcomes", c.outcomes());
    res.put("latency", lat);
    res.check("no error responses", failed.isEmpty(), failed.isEmpty() ? "all " + c.reqs.size() + " requests 2xx"
        : failed.size() + " failed: " + first(failed, 4));

    List<JsonObject> samples = jsonl(f.getProperty("samples"));
    JsonArray rows = new JsonArray();
    samples.forEach(rows::add);
    res.tables.add(new JsonObject().put("title", "samples (every " + f.getProperty("sample_every_s") + " s; heap_live_mib: what survives a full GC)")
        .put("columns", new JsonArray(List.of("t_s", "heap_live_mib", "metaspace_mib", "rss_mib", "threads", "fds", "pg_connections")))
        .put("rows", rows));
    res.put("samples", samples.size());
    if (samples.size() < 3) {
      res.check("at least 3 samples", false, samples.size() + " samples");
      return;
    }
    int n = samples.size();
    int third = Math.max(1, n / 3);
    List<JsonObject> firstThird = samples.subList(0, third);
    List<JsonObject> lastThird = samples.subList(n - third, n);
    double heapFirst = mean(firstThird, "heap_live_mib");
    double heapLast = mean(lastThird, "heap_live_mib");
    // The live set of a steady workload is flat (a probe: 9.90 MB, then 9.89 MB 150 s later); a looser
    // bound (1.25 x + 16 MiB) let a leak of about 2 KB per webhook attempt (2 MiB/min) pass in 10 minutes.
    double heapBound = heapFirst * 1.10 + 4;
    int threadsFirst = max(firstThird, "threads");
    int threadsLast = max(lastThird, "threads");
    int fdsFirst = max(firstThird, "fds");
    int fdsLast = max(lastThird, "fds");
    int connsMax = max(samples, "pg_connections");
    int pool = (int) num(f, "pool_size");
    res.put("heap_first_third_mean_mib", round1(heapFirst));
    res.put("heap_last_third_mean_mib", round1(heapLast));
    res.put("heap_growth_mib_per_min", round1(slopePerMinute(samples, "heap_live_mib")));
    res.put("threads_first_third_max", threadsFirst);
    res.put("threads_last_third_max", threadsLast);
    res.put("fds_first_third_max", fdsFirst);
    res.put("fds_last_third_max", fdsLast);
    res.put("pg_connections_max", connsMax);
    res.check("live heap after a full GC: last third's mean ≤ 1.10 × first third's + 4 MiB", heapLast <= heapBound,
        round1(heapLast) + " MiB vs bound " + round1(heapBound) + " MiB");
    res.check("threads: last third's max ≤ first third's max + 8", threadsLast <= threadsFirst + 8,
        threadsLast + " vs " + threadsFirst);
    res.check("open files: last third's max ≤ first third's max + 32", fdsLast <= fdsFirst + 32, fdsLast + " vs " + fdsFirst);
    res.check("PostgreSQL connections never above the pool size (" + pool + ") + 2", connsMax <= pool + 2,
        "at most " + connsMax);
  }

  /** Least-squares slope of a sample column over t_s, per minute. */
  static double slopePerMinute(List<JsonObject> l, String k) {
    double n = l.size();
    double mx = l.stream().mapToDouble(o -> o.getDouble("t_s")).sum() / n;
    double my = l.stream().mapToDouble(o -> o.getDouble(k)).sum() / n;
    double sxy = 0;
    double sxx = 0;
    for (JsonObject o : l) {
      sxy += (o.getDouble("t_s") - mx) * (o.getDouble(k) - my);
      sxx += (o.getDouble("t_s") - mx) * (o.getDouble("t_s") - mx);
    }
    return sxx == 0 ? 0 : sxy / sxx * 60;
  }

  static double mean(List<JsonObject> l, String k) {
    return l.stream().mapToDouble(o -> o.getDouble(k)).average().orElse(0);
  }

  static int max(List<JsonObject> l, String k) {
    return l.stream().mapToInt(o -> o.getInteger(k)).max().orElse(0);
  }

  static double round1(double d) {
    return Math.round(d * 10) / 10.0;
  }

  // ------------------------------------------------------------------ 6. suite

  static void suite(Result res, Properties f) throws Exception {
    Path dir = Path.of(f.getProperty("reports"));
    Pattern suitePattern = Pattern.compile("<testsuite[^>]*?name=\"([^\"]+)\"[^>]*>");
    Pattern attr = Pattern.compile("(tests|failures|errors|skipped)=\"(\\d+)\"");
    JsonArray rows = new JsonArray();
    int tests = 0;
    int failures = 0;
    int errors = 0;
    int skipped = 0;
    List<String> expected = Arrays.asList(f.getProperty("classes", "").split(","));
    Set<String> seen = new HashSet<>();
    if (Files.isDirectory(dir)) {
      try (var files = Files.list(dir)) {
        for (Path p : files.filter(p -> p.getFileName().toString().startsWith("TEST-")).sorted().toList()) {
          String xml = Files.readString(p);
          Matcher m = suitePattern.matcher(xml);
          if (!m.find()) {
            continue;
          }
          String head = m.group(0);
          Map<String, Integer> a = new HashMap<>();
          Matcher am = attr.matcher(head);
          while (am.find()) {
            a.put(am.group(1), Integer.parseInt(am.group(2)));
          }
          String cls = m.group(1).substring(m.group(1).lastIndexOf('.') + 1);
          seen.add(cls);
          int t = a.getOrDefault("tests", 0);
          int fl = a.getOrDefault("failures", 0);
          int er = a.getOrDefault("errors", 0);
          int sk = a.getOrDefault("skipped", 0);
          tests += t;
          failures += fl;
          errors += er;
          skipped += sk;
          rows.add(new JsonObject().put("class", cls).put("tests", t).put("passed", t - fl - er - sk).put("failures", fl)
              .put("errors", er).put("skipped", sk));
        }
      }
    }
    List<String> missing = expected.stream().filter(e -> !e.isBlank() && !seen.contains(e)).toList();
    res.tables.add(new JsonObject().put("title", "test classes").put("columns",
        new JsonArray(List.of("class", "tests", "passed", "failures", "errors", "skipped"))).put("rows", rows));
    res.put("tests", tests);
    res.put("passed", tests - failures - errors - skipped);
    res.put("failures", failures);
    res.put("errors", errors);
    res.put("skipped", skipped);
    res.put("maven_exit", Long.parseLong(f.getProperty("maven_exit", "-1")));
    res.put("duration_s", Long.parseLong(f.getProperty("duration_s", "0")));
    res.put("selection", f.getProperty("selection"));
    res.check("every selected test passes", tests > 0 && failures == 0 && errors == 0 && "0".equals(f.getProperty("maven_exit")),
        (tests - failures - errors - skipped) + " of " + tests + " passed, maven exit " + f.getProperty("maven_exit"));
    res.check("every selected class ran", missing.isEmpty(), missing.isEmpty() ? seen.size() + " classes" : "missing " + missing);
    res.check("no credential in the tests' logs", "false".equals(f.getProperty("secrets_in_test_logs")),
        "true".equals(f.getProperty("secrets_in_test_logs")) ? f.getProperty("secrets_files") : "none found");
  }

  // ------------------------------------------------------------------ printing and the report

  static void print(JsonObject r) {
    System.out.println("== " + r.getString("name") + ": " + r.getString("verdict"));
    for (Object o : r.getJsonArray("checks")) {
      JsonObject c = (JsonObject) o;
      System.out.println("   " + (c.getBoolean("ok") ? "ok  " : "FAIL") + " " + c.getString("check") + " — " + c.getString("seen"));
    }
    System.out.println("   figures: " + figuresLine(r.getJsonObject("figures")));
  }

  static String figuresLine(JsonObject figures) {
    return figures.stream().filter(e -> !(e.getValue() instanceof JsonObject))
        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
  }

  static int report(String[] args) throws IOException {
    JsonObject meta = new JsonObject(Files.readString(Path.of(args[1])));
    String prefix = args[2];
    JsonArray scenarios = new JsonArray();
    for (int i = 3; i < args.length; i++) {
      scenarios.add(new JsonObject(Files.readString(Path.of(args[i]))));
    }
    boolean pass = !scenarios.isEmpty() && scenarios.stream().allMatch(s -> "PASS".equals(((JsonObject) s).getString("verdict")));
    JsonObject all = meta.copy().put("verdict", pass ? "PASS" : "FAIL").put("scenarios", scenarios);
    Files.writeString(Path.of(prefix + ".json"), all.encodePrettily() + "\n");

    StringBuilder md = new StringBuilder();
    md.append("# Convene reliability run ").append(meta.getString("started_at")).append(": ").append(pass ? "PASS" : "FAIL").append("\n\n");
    md.append("- command: `").append(meta.getString("command")).append("`\n");
    md.append("- started ").append(meta.getString("started_at")).append(", finished ").append(meta.getString("finished_at")).append("\n");
    JsonObject m = meta.getJsonObject("machine", new JsonObject());
    md.append("- machine: ").append(m.getValue("cores")).append(" cores (").append(m.getString("cpu")).append("), ")
        .append(m.getValue("memory_mib")).append(" MiB, ").append(m.getString("os")).append(", kernel ").append(m.getString("kernel"))
        .append("; load average before ").append(m.getString("load_before")).append(", after ").append(m.getString("load_after")).append("\n");
    JsonObject v = meta.getJsonObject("versions", new JsonObject());
    md.append("- versions: ").append(v.stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining("; "))).append("\n");
    if (meta.getString("note") != null && !meta.getString("note").isEmpty()) {
      md.append("- note: ").append(meta.getString("note")).append("\n");
    }
    md.append("\nFigures from one run on one (possibly shared) machine: indicative, not a rating.\n\n");
    md.append("| scenario | verdict | figures |\n|---|---|---|\n");
    for (Object o : scenarios) {
      JsonObject s = (JsonObject) o;
      md.append("| ").append(s.getString("name")).append(" | ").append(s.getString("verdict")).append(" | ")
          .append(headline(s)).append(" |\n");
    }
    for (Object o : scenarios) {
      JsonObject s = (JsonObject) o;
      md.append("\n## ").append(s.getString("name")).append(": ").append(s.getString("verdict")).append("\n\n");
      md.append("Injects: ").append(s.getString("injects")).append(".\n\n");
      md.append("Checks: ").append(s.getString("checks_what")).append(".\n\n");
      JsonObject settings = s.getJsonObject("settings", new JsonObject());
      if (!settings.isEmpty()) {
        md.append("Settings: ").append(settings.stream().map(e -> "`" + e.getKey() + "` " + e.getValue())
            .collect(Collectors.joining(", "))).append(".\n\n");
      }
      for (Object co : s.getJsonArray("checks")) {
        JsonObject c = (JsonObject) co;
        md.append("- ").append(c.getBoolean("ok") ? "✅ " : "❌ ").append(c.getString("check")).append(": ")
            .append(c.getString("seen")).append("\n");
      }
      md.append("\n| figure | value |\n|---|---|\n");
      s.getJsonObject("figures").forEach(e -> md.append("| ").append(e.getKey()).append(" | ")
          .append(e.getValue() instanceof JsonObject j ? compact(j) : String.valueOf(e.getValue())).append(" |\n"));
      for (Object to : s.getJsonArray("tables", new JsonArray())) {
        JsonObject t = (JsonObject) to;
        md.append("\n").append(t.getString("title")).append(":\n\n");
        List<String> cols = t.getJsonArray("columns").stream().map(Object::toString).toList();
        md.append("| ").append(String.join(" | ", cols)).append(" |\n|").append("---|".repeat(cols.size())).append("\n");
        for (Object ro : t.getJsonArray("rows")) {
          JsonObject row = (JsonObject) ro;
          md.append("| ").append(cols.stream().map(col -> String.valueOf(row.getValue(col))).collect(Collectors.joining(" | ")))
              .append(" |\n");
        }
      }
      for (Object n : s.getJsonArray("notes", new JsonArray())) {
        md.append("\nNote: ").append(n).append("\n");
      }
    }
    Files.writeString(Path.of(prefix + ".md"), md.toString());
    for (Object o : scenarios) {
      JsonObject s = (JsonObject) o;
      System.out.printf("  %-18s %s  %s%n", s.getString("name"), s.getString("verdict"), headline(s));
    }
    return pass ? 0 : 1;
  }

  static String compact(JsonObject j) {
    return j.stream().map(e -> e.getKey() + ": " + (e.getValue() instanceof JsonObject o ? "{" + compact(o) + "}" : e.getValue()))
        .collect(Collectors.joining(", "));
  }

  /** The few figures that say most, per scenario, for the summary table. */
  static String headline(JsonObject s) {
    JsonObject f = s.getJsonObject("figures");
    List<String> keys = switch (s.getString("name")) {
      case "db-kill" -> List.of("acknowledged", "found", "events_made", "delivered", "lost", "events_lost", "database_down_s",
          "failed_requests", "failed_latency_max_ms", "recovery_s");
      case "receiver-down" -> List.of("acknowledged", "found", "events_made", "delivered", "events_lost", "receipts",
          "max_receipts_per_event", "drained_after_back_s");
      case "two-instances" -> List.of("acknowledged", "found", "events_made", "delivered", "events_lost",
          "duplicates_while_healthy", "duplicates_after_kill", "leases_taken_over", "all_delivered_after_kill_s");
      case "graceful-shutdown" -> List.of("acknowledged", "found", "lost", "in_flight_at_sigterm", "in_flight_completed_2xx",
          "responses_5xx", "reset_in_accept_queue",
          "refused_after_listener_closed", "closed_unanswered_not_applied", "exit_s", "events_lost");
      case "slow-clients" -> List.of("throughput_before_per_s", "throughput_under_attack_per_s", "normal_failed",
          "p99_before_ms", "p99_under_attack_ms", "slow_connections", "max_head_lifetime_s", "max_body_lifetime_s",
          "answered_408", "refused_at_open");
      case "embedded-db-dies" -> List.of("acknowledged", "found", "lost", "events_lost", "restarted_after_s",
          "failed_requests", "failed_latency_max_ms", "recovery_s");
      case "crash-idempotent" -> List.of("requests", "answered_before_kill", "replayed_on_retry", "ran_on_retry",
          "keys_with_one_meeting", "keys_with_two_or_more", "keys_with_none", "extra_meetings");
      case "soak" -> List.of("requests", "acknowledged", "lost", "events_lost", "heap_first_third_mean_mib",
          "heap_last_third_mean_mib", "heap_growth_mib_per_min", "threads_last_third_max", "pg_connections_max");
      case "cluster-kill" -> List.of("acknowledged", "found", "events_made", "delivered", "events_lost",
          "requests_cut_at_kill", "lb_marked_down_after_ms");
      case "rolling-restart" -> List.of("requests", "acknowledged", "found", "failed_requests", "events_made", "delivered",
          "events_lost", "restarts_s");
      case "cluster-limits" -> List.of("requests", "admitted", "refused_429", "allowed_by_one_bucket", "tolerance",
          "node_scope_would_admit_up_to");
      default -> List.of("tests", "passed", "failures", "errors");
    };
    return keys.stream().filter(f::containsKey).map(k -> k + " " + f.getValue(k)).collect(Collectors.joining(", "));
  }
}
