// Turns one benchmark run (bench/run.sh) into its results: a JSON document and a Markdown table
// with the PostgreSQL ceiling beside each Convene figure and every target of issue 7 as met or
// not met, with the ratio.
//
//   java -cp target/convene.jar bench/Report.java <meta.json> <steps.jsonl> <output path without extension>

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

public class Report {
  static final double THROUGHPUT_SHARE = 0.7;
  static final double PUT_P99_MS = 10;
  static final double AVAILABILITY_P99_MS = 20;
  static final double RSS_MIB = 512;
  static final double READY_S = 3;
  static final double DELIVERIES_PER_S = 2000;
  static final double DELIVERY_P99_S = 1;

  static final String[][] REQUESTS = {
      {"health", "GET /health"},
      {"get", "GET /v1/meetings/{id}"},
      {"put", "PUT /v1/meetings/{id}"},
      {"schedule", "POST /v1/schedule"},
      {"availability", "POST /v1/availability"}};

  private final JsonObject meta;
  private final List<JsonObject> steps;
  private final StringBuilder md = new StringBuilder();
  private final JsonArray targets = new JsonArray();

  Report(JsonObject meta, List<JsonObject> steps) {
    this.meta = meta;
    this.steps = steps;
  }

  public static void main(String[] args) throws Exception {
    JsonObject meta = new JsonObject(Files.readString(Path.of(args[0])));
    List<JsonObject> steps = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(args[1]))) {
      if (!line.isBlank()) {
        steps.add(new JsonObject(line));
      }
    }
    Report report = new Report(meta, steps);
    JsonObject json = report.build();
    Files.writeString(Path.of(args[2] + ".json"), json.encodePrettily() + "\n");
    Files.writeString(Path.of(args[2] + ".md"), report.md.toString());
  }

  JsonObject build() {
    JsonObject machine = meta.getJsonObject("machine");
    JsonObject versions = meta.getJsonObject("versions");
    JsonObject settings = meta.getJsonObject("settings");
    String mode = meta.getString("mode");
    String defaultLoops = settings.getValue("default_event_loops") == null ? "?"
        : String.valueOf(settings.getValue("default_event_loops"));

    md.append("# Convene benchmark: ").append(mode).append(" run, ")
        .append(meta.getString("started_at").replace('T', ' ').replace("Z", " UTC")).append("\n\n");
    String note = meta.getString("note", "");
    if (!note.isBlank()) {
      md.append("> **Note:** ").append(note).append("\n\n");
    }
    md.append("| | |\n|---|---|\n");
    md.append("| Machine | ").append(machine.getValue("cores")).append(" cores (").append(machine.getString("cpu"))
        .append("), ").append(fmt(machine.getInteger("memory_mib") / 1024.0, 1)).append(" GiB memory, ")
        .append(machine.getString("os")).append(", Linux ").append(machine.getString("kernel"))
        .append("; load average before ").append(machine.getString("load_before")).append(", after ")
        .append(machine.getString("load_after")).append(" |\n");
    md.append("| Versions | Convene ").append(versions.getString("convene_commit"))
        .append(versions.getBoolean("convene_dirty", false) ? " (with uncommitted changes)" : "")
        .append("; ").append(versions.getString("java")).append("; PostgreSQL ")
        .append(versions.getString("postgresql")).append(" (").append(versions.getString("database")).append("); ")
        .append(versions.getString("pgbench")).append("; ").append(versions.getString("wrk")).append(" |\n");
    md.append("| Command | `").append(meta.getString("command")).append("`")
        .append(settings.getString("java_opts", "").isBlank() ? "" : " with BENCH_JAVA_OPTS=`" + settings.getString("java_opts") + "`")
        .append(" |\n");
    md.append("| Load | wrk ").append(settings.getValue("load_threads")).append(" threads × ")
        .append(settings.getValue("connections")).append(" connections; pgbench ")
        .append(settings.getValue("connections")).append(" clients, ").append(settings.getValue("load_threads"))
        .append(" threads, `-M prepared`; ").append(settings.getValue("duration_s")).append(" s per step after ")
        .append(settings.getValue("warmup_s")).append(" s warm-up (scaling runs ")
        .append(settings.getValue("scaling_duration_s")).append(" s after ").append(settings.getValue("scaling_warmup_s"))
        .append(" s); before measuring, after every start, ").append(settings.getValue("jit_warmup_s")).append(" s (")
        .append(settings.getValue("scaling_jit_warmup_s")).append(" s for the scaling runs) of GET, PUT and schedule at once "
        + "for the JIT; ").append(num(settings.getInteger("meetings"))).append(" seeded meetings, random ids |\n");
    md.append("| Date | ").append(meta.getString("started_at")).append(" to ").append(meta.getString("finished_at"))
        .append(" |\n\n");
    if (!settings.getBoolean("pgbench_sql_matches_source", true)) {
      md.append("> **Warning:** the SQL in MeetingSql.java / Tenants.java changed since bench/pgbench/*.sql were "
          + "written; the ceiling may no longer run Convene's statements.\n\n");
    }

    JsonObject results = new JsonObject();
    results.put("throughput", throughput(defaultLoops));
    results.put("cpu", cpu());
    results.put("put_latency", putLatency());
    results.put("availability_latency", availabilityLatency());
    results.put("scaling", scaling());
    results.put("process", process(settings));
    results.put("webhooks", webhooks());
    targetsTable();

    JsonArray raw = new JsonArray();
    steps.forEach(raw::add);
    return new JsonObject()
        .put("meta", meta)
        .put("results", results)
        .put("targets", targets)
        .put("steps", raw);
  }

  // ------------------------------------------------------------------ sections

  private JsonArray throughput(String defaultLoops) {
    md.append("## Throughput against the PostgreSQL ceiling (Convene's default: ").append(defaultLoops)
        .append(" event loops)\n\n");
    md.append("Peak with wrk at a fixed connection count. The ceiling is pgbench running the statements Convene runs "
        + "for the request (the api_keys lookup, then the meeting's statements, in the same transactions), "
        + "at the same concurrency, on the same database.\n\n");
    md.append("| Request | Convene req/s | wrk p50 / p99 | Ceiling: pgbench tx/s | Convene ÷ ceiling | Target | Met |\n");
    md.append("|---|---:|---:|---:|---:|---|---|\n");
    JsonArray out = new JsonArray();
    for (String[] r : REQUESTS) {
      JsonObject w = wrk(r[0], "default");
      JsonObject pg = pgbench(r[0]);
      if (w == null) {
        continue;
      }
      double rps = okRps(w);
      Double ceiling = pg == null ? null : pg.getDouble("tps");
      Double share = ceiling == null || ceiling == 0 ? null : rps / ceiling;
      String target = "";
      String met = "";
      if (r[0].equals("get") || r[0].equals("put")) {
        target = "≥ " + fmt(THROUGHPUT_SHARE, 2) + " × ceiling";
        JsonObject t = target(r[1] + " throughput ≥ 0.7 × pgbench's for the same "
                + (r[0].equals("get") ? "query" : "transaction"),
            share, THROUGHPUT_SHARE, true, share == null ? "no ceiling" : fmt(share, 2) + " × ceiling",
            "≥ 0.70 × ceiling", errors(w));
        met = metText(t);
      }
      md.append("| ").append(r[1]).append(" | ").append(num(rps)).append(errorsNote(w)).append(" | ")
          .append(ms(w.getJsonObject("wrk").getLong("lat_p50_us") / 1000.0)).append(" / ")
          .append(ms(w.getJsonObject("wrk").getLong("lat_p99_us") / 1000.0)).append(" | ")
          .append(ceiling != null ? num(ceiling) + failedNote(pg)
              : r[0].equals("availability") ? "— (no SQL equivalent)" : "— (no database)").append(" | ")
          .append(share == null ? "" : fmt(share, 2)).append(" | ").append(target).append(" | ").append(met)
          .append(" |\n");
      out.add(new JsonObject().put("request", r[1]).put("convene_rps", round(rps, 1))
          .put("convene_errors", errors(w))
          .put("wrk_p50_ms", w.getJsonObject("wrk").getLong("lat_p50_us") / 1000.0)
          .put("wrk_p99_ms", w.getJsonObject("wrk").getLong("lat_p99_us") / 1000.0)
          .put("ceiling_tps", ceiling == null ? null : round(ceiling, 1))
          .put("ceiling_latency_avg_ms", pg == null ? null : pg.getValue("latency_avg_ms"))
          .put("ratio", share == null ? null : round(share, 3)));
    }
    md.append("\n");
    return out;
  }

  private JsonArray cpu() {
    md.append("CPU time per request during those steps (from /proc: the Convene JVM; the embedded PostgreSQL "
        + "with all its backends). The load generators' own CPU is not counted but shares the same cores.\n\n");
    md.append("| Request | Convene CPU µs/req | of which kernel | PostgreSQL CPU µs/req | Ceiling: PostgreSQL CPU µs/tx |\n");
    md.append("|---|---:|---:|---:|---:|\n");
    JsonArray out = new JsonArray();
    for (String[] r : REQUESTS) {
      JsonObject w = wrk(r[0], "default");
      if (w == null) {
        continue;
      }
      long requests = w.getJsonObject("wrk").getLong("requests");
      Double conv = perItem(w.getValue("cpu_convene_s"), requests);
      Double convSys = perItem(w.getValue("cpu_convene_sys_s"), requests);
      Double pg = perItem(w.getValue("cpu_pg_s"), requests);
      JsonObject p = pgbench(r[0]);
      Double ceil = p == null ? null : perItem(p.getValue("cpu_pg_s"), p.getLong("transactions", 0L));
      md.append("| ").append(r[1]).append(" | ").append(orDash(conv, 0)).append(" | ").append(orDash(convSys, 0))
          .append(" | ").append(orDash(pg, 0))
          .append(" | ").append(p == null ? "—" : orDash(ceil, 0)).append(" |\n");
      out.add(new JsonObject().put("request", r[1]).put("convene_cpu_us_per_request", round(conv, 1))
          .put("convene_kernel_cpu_us_per_request", round(convSys, 1))
          .put("postgres_cpu_us_per_request", round(pg, 1)).put("ceiling_postgres_cpu_us_per_tx", round(ceil, 1)));
    }
    md.append("\n");
    return out;
  }

  private JsonObject putLatency() {
    JsonObject step = find(s -> "openload".equals(s.getString("kind")) && "put".equals(s.getString("name")));
    md.append("## PUT latency at a fixed arrival rate (open model)\n\n");
    if (step == null) {
      md.append("Not measured.\n\n");
      return null;
    }
    JsonObject r = step.getJsonObject("result");
    JsonObject peak = wrk("put", "default");
    double peakRps = peak == null ? 0 : okRps(peak);
    md.append("bench/OpenLoad.java fires requests on a fixed schedule whatever the answers do and measures each "
        + "latency from its intended send time (no coordinated omission), at half the PUT peak measured above; ")
        .append(num(r.getDouble("warmup_s"))).append(" s warm-up, then ").append(num(r.getDouble("duration_s")))
        .append(" s measured, at most ").append(r.getValue("connections")).append(" connections.\n\n");
    md.append("| | Rate | p50 | p90 | p99 | p99.9 | max | errors | Target | Met |\n");
    md.append("|---|---|---:|---:|---:|---:|---:|---:|---|---|\n");
    Double p99 = r.getDouble("p99_ms");
    JsonObject t = target("PUT p99 latency ≤ 10 ms at half of its measured peak rate", p99, PUT_P99_MS, false,
        p99 == null ? "—" : ms(p99) + " at " + num(step.getDouble("rate")) + "/s", "≤ 10 ms",
        r.getLong("errors", 0L));
    md.append("| Convene | ").append(num(step.getDouble("rate"))).append("/s (half of ").append(num(peakRps)).append("/s) | ")
        .append(ms(r.getDouble("p50_ms"))).append(" | ").append(ms(r.getDouble("p90_ms"))).append(" | ")
        .append(ms(p99)).append(" | ").append(ms(r.getDouble("p999_ms"))).append(" | ")
        .append(ms(r.getDouble("max_ms"))).append(" | ").append(r.getValue("errors")).append(" of ")
        .append(num(r.getLong("requests"))).append(" | ≤ 10 ms (p99) | ").append(metText(t)).append(" |\n");
    JsonObject pgRate = find(s -> "pgbench_rate".equals(s.getString("kind")) && "put".equals(s.getString("name")));
    JsonObject pr = pgRate == null ? null : pgRate.getJsonObject("result");
    if (pr != null && pr.containsKey("p50_ms")) {
      md.append("| Ceiling: pgbench `-R`, ").append(pgRate.getValue("clients")).append(" clients | ")
          .append(num(pgRate.getDouble("rate"))).append("/s | ").append(ms(pr.getDouble("p50_ms"))).append(" | ")
          .append(ms(pr.getDouble("p90_ms"))).append(" | ").append(ms(pr.getDouble("p99_ms"))).append(" | ")
          .append(ms(pr.getDouble("p999_ms"))).append(" | ").append(ms(pr.getDouble("max_ms"))).append(" | of ")
          .append(num(pr.getLong("transactions"))).append(" | | |\n");
    }
    md.append("\n");
    if (r.getDouble("max_send_lag_ms", 0.0) > 5) {
      md.append("The generator itself sent ").append(num(r.getLong("sent_late_over_5ms", 0L)))
          .append(" requests more than 5 ms late (at worst ").append(ms(r.getDouble("max_send_lag_ms")))
          .append("): it did not get a CPU in time. Those delays are inside the figures above; measured from the actual "
              + "send instead, p50 ").append(ms(r.getDouble("from_send_p50_ms"))).append(", p99 ")
          .append(ms(r.getDouble("from_send_p99_ms"))).append(".\n\n");
    }
    return r.copy().put("peak_rps", round(peakRps, 1)).put("cpu_convene_s", step.getValue("cpu_convene_s"))
        .put("cpu_pg_s", step.getValue("cpu_pg_s")).put("ceiling", pr);
  }

  /** Issue 15: 2 attendees, 14 days, 20 meetings each, Google busy from a stand-in answering at once. */
  private JsonObject availabilityLatency() {
    JsonObject step = find(s -> "openload".equals(s.getString("kind")) && "availability".equals(s.getString("name")));
    md.append("## Availability latency at a fixed arrival rate (open model)\n\n");
    if (step == null) {
      md.append("Not measured.\n\n");
      return null;
    }
    JsonObject r = step.getJsonObject("result");
    JsonObject peak = wrk("availability", "default");
    double peakRps = peak == null ? 0 : okRps(peak);
    md.append("`POST /v1/availability` for 2 attendees over their 14-day window, each with 20 meetings and connected "
        + "calendars whose free/busy a local Google stand-in answers at once, at half its peak measured above.\n\n");
    md.append("| Rate | p50 | p90 | p99 | max | errors | Convene CPU ms/call | Target | Met |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---|---|\n");
    Double p99 = r.getDouble("p99_ms");
    Double cpuPerCall = perItem(step.getValue("cpu_convene_s"), r.getLong("requests", 0L));
    JsonObject t = target("POST /v1/availability p99 ≤ 20 ms at half of its measured peak rate", p99, AVAILABILITY_P99_MS,
        false, p99 == null ? "—" : ms(p99) + " at " + num(step.getDouble("rate")) + "/s", "≤ 20 ms", r.getLong("errors", 0L));
    md.append("| ").append(num(step.getDouble("rate"))).append("/s (half of ").append(num(peakRps)).append("/s) | ")
        .append(ms(r.getDouble("p50_ms"))).append(" | ").append(ms(r.getDouble("p90_ms"))).append(" | ").append(ms(p99))
        .append(" | ").append(ms(r.getDouble("max_ms"))).append(" | ").append(r.getValue("errors")).append(" of ")
        .append(num(r.getLong("requests"))).append(" | ").append(cpuPerCall == null ? "—" : fmt(cpuPerCall / 1000, 2))
        .append(" | ≤ 20 ms (p99) | ").append(metText(t)).append(" |\n\n");
    return r.copy().put("peak_rps", round(peakRps, 1)).put("cpu_convene_s", step.getValue("cpu_convene_s"))
        .put("cpu_pg_s", step.getValue("cpu_pg_s"));
  }

  private JsonArray scaling() {
    md.append("## Scaling across event loops\n\n");
    md.append("The same wrk runs after a restart with `CONVENE_EVENT_LOOPS=1`, then `=2`; req/s, with "
        + "Convene CPU µs/req in brackets.\n\n");
    md.append("| Request | 1 event loop | 2 event loops | 2 ÷ 1 | Ceiling: pgbench tx/s |\n");
    md.append("|---|---:|---:|---:|---:|\n");
    JsonArray out = new JsonArray();
    for (String[] r : REQUESTS) {
      JsonObject one = wrk(r[0], "1");
      JsonObject two = wrk(r[0], "2");
      if (one == null && two == null) {
        continue;
      }
      JsonObject pg = pgbench(r[0]);
      Double a = one == null ? null : okRps(one);
      Double b = two == null ? null : okRps(two);
      md.append("| ").append(r[1]).append(" | ").append(scaleCell(one)).append(" | ").append(scaleCell(two))
          .append(" | ").append(a == null || b == null || a == 0 ? "—" : fmt(b / a, 2)).append(" | ")
          .append(pg == null ? "—" : num(pg.getDouble("tps"))).append(" |\n");
      out.add(new JsonObject().put("request", r[1]).put("rps_1_loop", round(a, 1)).put("rps_2_loops", round(b, 1))
          .put("ceiling_tps", pg == null ? null : round(pg.getDouble("tps"), 1)));
    }
    md.append("\n");
    return out;
  }

  private JsonObject process(JsonObject settings) {
    md.append("## Process\n\n");
    long hwm = 0;
    int processes = 0;
    for (JsonObject s : steps) {
      if ("process".equals(s.getString("kind"))) {
        hwm = Math.max(hwm, s.getLong("vm_hwm_kib"));
        processes++;
      }
    }
    List<Double> ready = new ArrayList<>();
    for (JsonObject s : steps) {
      if ("start".equals(s.getString("kind")) && s.getBoolean("existing_data_dir", false)) {
        ready.add(s.getLong("ready_ms") / 1000.0);
      }
    }
    double mib = hwm / 1024.0;
    double worstReady = ready.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    md.append("| Measure | Value | Target | Met |\n|---|---:|---|---|\n");
    JsonObject rss = target("Peak RSS of Convene ≤ 512 MiB through the run", processes == 0 ? null : mib, RSS_MIB,
        false, fmt(mib, 0) + " MiB", "≤ 512 MiB", 0);
    md.append("| Peak RSS (VmHWM, highest of ").append(processes).append(" Convene processes) | ")
        .append(fmt(mib, 0)).append(" MiB | ≤ 512 MiB | ").append(metText(rss)).append(" |\n");
    StringBuilder readyText = new StringBuilder();
    for (double r : ready) {
      readyText.append(readyText.length() == 0 ? "" : ", ").append(fmt(r, 2)).append(" s");
    }
    JsonObject rt = target("Start to ready ≤ 3 s with an existing data dir", ready.isEmpty() ? null : worstReady,
        READY_S, false, ready.isEmpty() ? "—" : fmt(worstReady, 2) + " s (worst of " + ready.size() + ")", "≤ 3 s", 0);
    md.append("| Start to ready, existing data dir (until /health answers) | ").append(readyText)
        .append(" | ≤ 3 s | ").append(metText(rt)).append(" |\n");
    md.append("| First start, new data dir (extract PostgreSQL, initdb, migrate) | ")
        .append(fmt(settings.getLong("first_start_ms", 0L) / 1000.0, 2)).append(" s | — | |\n\n");
    JsonArray readyJson = new JsonArray();
    ready.forEach(readyJson::add);
    return new JsonObject().put("peak_rss_mib", round(mib, 1)).put("ready_s_existing_data_dir", readyJson)
        .put("first_start_s", settings.getLong("first_start_ms", 0L) / 1000.0);
  }

  /** CPU per delivery while the backlog drained: Convene's and PostgreSQL's. */
  private static String cpuPerDelivery(JsonObject throughput, long delivered) {
    Double convene = throughput.getDouble("cpu_convene_s");
    Double pg = throughput.getDouble("cpu_pg_s");
    if (delivered == 0 || convene == null) {
      return "CPU not measured";
    }
    return "CPU per delivery: Convene " + Math.round(convene * 1e6 / delivered) + " µs"
        + (pg == null ? "" : ", PostgreSQL " + Math.round(pg * 1e6 / delivered) + " µs");
  }

  private JsonObject webhooks() {
    md.append("## Webhooks\n\n");
    JsonObject w = find(s -> "webhooks".equals(s.getString("kind")));
    if (w == null || !w.getBoolean("available", false)) {
      String why = w == null ? "not measured" : w.getString("note", "not available");
      md.append("webhooks: ").append(why).append(".\n\n");
      target("Webhooks ≥ 2,000 deliveries/s sustained", null, DELIVERIES_PER_S, true, why, "≥ 2,000/s", 0);
      target("Webhooks commit-to-receipt p99 ≤ 1 s at 500 events/s", null, DELIVERY_P99_S, false, why, "≤ 1 s", 0);
      return new JsonObject().put("available", false).put("note", why);
    }
    JsonObject tp = w.getJsonObject("throughput");
    JsonObject tr = tp.getJsonObject("receiver", new JsonObject());
    JsonObject lat = w.getJsonObject("latency");
    JsonObject lr = lat.getJsonObject("receiver", new JsonObject());
    Double perS = tr.getDouble("per_s");
    long expected = tp.getLong("expected", 0L);
    long delivered = tr.getLong("counted", 0L);
    JsonObject putRun = tp.getJsonObject("wrk");
    double putRate = putRun == null ? 0 : (putRun.getLong("requests") - putRun.getLong("errors_status"))
        / (putRun.getLong("duration_us") / 1e6);
    boolean backlog = "backlog".equals(tp.getString("method"));
    md.append("A local receiver (bench/WebhookReceiver.java) answers 200 at once. Throughput: ")
        .append(backlog ? "a backlog committed at once (copies of the `meeting.updated` events the PUT steps wrote, "
            + "inserted in one transaction; the fan-out trigger makes their deliveries as for the API's), drained by the "
            + "running node with the API idle, after as many unmeasured for the JIT; deliveries/s from the "
            + "first receipt to the last"
            : "PUT at its peak with wrk, then until the backlog drained")
        .append("; latency: PUT at a fixed ").append(num(lat.getDouble("rate")))
        .append(" events/s (open model), from each change's `updated_at` (taken in its transaction) to receipt.\n\n");
    md.append("| Measure | Value | Target | Met |\n|---|---:|---|---|\n");
    JsonObject t1 = target("Webhooks ≥ 2,000 deliveries/s sustained", perS, DELIVERIES_PER_S, true,
        perS == null ? "—" : num(perS) + "/s", "≥ 2,000/s", expected - delivered);
    md.append("| Deliveries/s (").append(num(delivered)).append(" of ").append(num(expected))
        .append(backlog ? " deliveries of the backlog; " + cpuPerDelivery(tp, delivered) : " events delivered; events were made at "
            + num(putRate) + "/s").append(") | ")
        .append(perS == null ? "—" : num(perS)).append(" | ≥ 2,000/s | ").append(metText(t1)).append(" |\n");
    Double p99 = lr.getDouble("p99_ms");
    long latExpected = lat.getLong("expected", 0L);
    long latDelivered = lr.getLong("counted", 0L);
    JsonObject t2 = target("Webhooks commit-to-receipt p99 ≤ 1 s at 500 events/s", p99 == null ? null : p99 / 1000,
        DELIVERY_P99_S, false, p99 == null ? "—" : ms(p99), "≤ 1 s", latExpected - latDelivered);
    md.append("| Commit to receipt at ").append(num(lat.getDouble("rate"))).append("/s: p50 / p99 / max (")
        .append(num(latDelivered)).append(" of ").append(num(latExpected)).append(" delivered) | ")
        .append(ms(lr.getDouble("p50_ms"))).append(" / ").append(ms(p99)).append(" / ").append(ms(lr.getDouble("max_ms")))
        .append(" | ≤ 1 s (p99) | ").append(metText(t2)).append(" |\n\n");
    if (!backlog && putRate > 0 && perS != null && perS < DELIVERIES_PER_S && putRate < DELIVERIES_PER_S * 1.05) {
      md.append("(Events were made at ").append(num(putRate)).append("/s, so the delivery rate above is bounded by how "
          + "fast PUT makes events on this machine, not only by the delivery worker.)\n\n");
    }
    return new JsonObject().put("available", true).put("deliveries_per_s", perS).put("delivered", delivered)
        .put("expected", expected).put("event_rate_during_throughput", round(putRate, 1))
        .put("latency_rate", lat.getValue("rate")).put("p50_ms", lr.getValue("p50_ms"))
        .put("p99_ms", p99).put("max_ms", lr.getValue("max_ms"))
        .put("latency_delivered", latDelivered).put("latency_expected", latExpected);
  }

  private void targetsTable() {
    md.append("## Targets (issue 7)\n\n");
    md.append("| Target | Measured | Limit | Measured ÷ limit | Met |\n|---|---|---|---:|---|\n");
    for (int i = 0; i < targets.size(); i++) {
      JsonObject t = targets.getJsonObject(i);
      md.append("| ").append(t.getString("target")).append(" | ").append(t.getString("measured_text")).append(" | ")
          .append(t.getString("limit_text")).append(" | ")
          .append(t.getValue("ratio") == null ? "—" : fmt(t.getDouble("ratio"), 2)).append(" | ")
          .append(metText(t)).append(" |\n");
    }
    md.append("\n");
  }

  // ------------------------------------------------------------------ helpers

  /** Records a target; ratio = measured ÷ limit. Errors during the measurement make it not met. */
  private JsonObject target(String name, Double measured, double limit, boolean atLeast, String measuredText,
                            String limitText, long errors) {
    Boolean met = measured == null ? null : (atLeast ? measured >= limit : measured <= limit) && errors == 0;
    JsonObject t = new JsonObject()
        .put("target", name)
        .put("measured", measured == null ? null : round(measured, 4))
        .put("limit", limit)
        .put("at_least", atLeast)
        .put("ratio", measured == null ? null : round(measured / limit, 3))
        .put("errors", errors)
        .put("met", met)
        .put("measured_text", measuredText)
        .put("limit_text", limitText);
    targets.add(t);
    return t;
  }

  private static String metText(JsonObject t) {
    Boolean met = t.getBoolean("met");
    if (met == null) {
      return "not measured";
    }
    String ratio = t.getValue("ratio") == null ? "" : " (" + fmt(t.getDouble("ratio"), 2) + "× limit)";
    String errs = t.getLong("errors", 0L) != 0 ? ", with " + t.getLong("errors") + " errors" : "";
    return (met ? "**met**" : "**not met**") + ratio + errs;
  }

  private JsonObject wrk(String name, String loops) {
    return find(s -> "wrk".equals(s.getString("kind")) && name.equals(s.getString("name"))
        && loops.equals(s.getString("event_loops")));
  }

  private JsonObject pgbench(String name) {
    return find(s -> "pgbench".equals(s.getString("kind")) && name.equals(s.getString("name")));
  }

  private JsonObject find(Predicate<JsonObject> p) {
    for (JsonObject s : steps) {
      if (p.test(s)) {
        return s;
      }
    }
    return null;
  }

  private static double okRps(JsonObject wrkStep) {
    JsonObject w = wrkStep.getJsonObject("wrk");
    return (w.getLong("requests") - w.getLong("errors_status")) / (w.getLong("duration_us") / 1e6);
  }

  private static long errors(JsonObject wrkStep) {
    JsonObject w = wrkStep.getJsonObject("wrk");
    return w.getLong("errors_status") + w.getLong("errors_connect") + w.getLong("errors_read")
        + w.getLong("errors_write") + w.getLong("errors_timeout");
  }

  private static String errorsNote(JsonObject wrkStep) {
    long e = errors(wrkStep);
    return e == 0 ? "" : " (" + num(e) + " errors)";
  }

  private static String failedNote(JsonObject pg) {
    long f = pg.getLong("failed", 0L);
    return f == 0 ? "" : " (" + num(f) + " failed)";
  }

  private String scaleCell(JsonObject w) {
    if (w == null) {
      return "—";
    }
    Double cpu = perItem(w.getValue("cpu_convene_s"), w.getJsonObject("wrk").getLong("requests"));
    return num(okRps(w)) + errorsNote(w) + (cpu == null ? "" : " (" + fmt(cpu, 0) + " µs)");
  }

  private static Double perItem(Object seconds, long count) {
    if (!(seconds instanceof Number n) || count <= 0) {
      return null;
    }
    return n.doubleValue() * 1e6 / count;
  }

  private static String orDash(Double v, int digits) {
    return v == null ? "—" : fmt(v, digits);
  }

  private static String ms(Double v) {
    if (v == null) {
      return "—";
    }
    return (v < 10 ? fmt(v, 2) : v < 100 ? fmt(v, 1) : fmt(v, 0)) + " ms";
  }

  private static String num(Number v) {
    return v == null ? "—" : String.format(Locale.ROOT, "%,.0f", v.doubleValue());
  }

  private static String fmt(double v, int digits) {
    return String.format(Locale.ROOT, "%." + digits + "f", v);
  }

  private static Double round(Double v, int digits) {
    if (v == null || v.isNaN() || v.isInfinite()) {
      return null;
    }
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }
}
