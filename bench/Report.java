// Turns one benchmark run (bench/run.sh) into its results: a JSON document and a Markdown table
// with, for each request, Convene beside the bare Vert.x service, the minimal ceiling and the
// same-SQL ceiling, and every target of issue 20 as met or not met with its figure.
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
  static final double SHARE_OF_BARE = 0.75;
  static final double CPU_GET_US = 40;
  static final double CPU_PUT_US = 80;
  static final double PUT_P99_MS = 5;
  static final double PUT_P99_OF_POSTGRES = 1.5;
  static final double AVAILABILITY_P99_MS = 20;
  static final double DELIVERIES_PER_S = 5000;
  static final double WRITE_DELIVER_P99_MS = 250;
  /** Receipts and answered PUTs per second must reach this share of the offered rate for it to count as sustained. */
  static final double SUSTAINED_SHARE = 0.95;
  static final double RSS_MIB = 512;

  static final String[][] REQUESTS = {
      {"health", "GET /health"},
      {"get", "GET /v1/meetings/{id}"},
      {"put", "PUT /v1/meetings/{id}"},
      {"schedule", "POST /v1/schedule"},
      {"availability", "POST /v1/availability"},
      {"slots", "GET /public/v1/meetingevents/{slug}/slots"},
      {"book", "POST /public/v1/meetingevents/{slug}/book"}};
  /** Issue 16: booking at least this share of the minimal ceiling of POST /v1/schedule (a booking is a guarded create). */
  static final double BOOK_SHARE_OF_SCHEDULE_CEILING = 0.5;

  private final JsonObject meta;
  private final List<JsonObject> steps;
  private final String jfrFile;
  private final StringBuilder md = new StringBuilder();
  private final JsonArray targets = new JsonArray();

  Report(JsonObject meta, List<JsonObject> steps, String jfrFile) {
    this.meta = meta;
    this.steps = steps;
    this.jfrFile = jfrFile;
  }

  public static void main(String[] args) throws Exception {
    JsonObject meta = new JsonObject(Files.readString(Path.of(args[0])));
    List<JsonObject> steps = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(args[1]))) {
      if (!line.isBlank()) {
        steps.add(new JsonObject(line));
      }
    }
    Report report = new Report(meta, steps, Path.of(args[2] + ".jfr.md").getFileName().toString());
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
        + "for the JIT (").append(settings.getValue("bare_jit_warmup_s")).append(" s for the bare service); ")
        .append(num(settings.getInteger("meetings"))).append(" seeded meetings, random ids, in Convene's tables and in the "
            + "minimal ones |\n");
    md.append("| Date | ").append(meta.getString("started_at")).append(" to ").append(meta.getString("finished_at"))
        .append(" |\n\n");
    if (!settings.getBoolean("pgbench_sql_matches_source", true)) {
      md.append("> **Warning:** the SQL in MeetingSql.java / Tenants.java changed since bench/pgbench/*.sql were "
          + "written; the same-SQL ceiling may no longer run Convene's statements.\n\n");
    }

    int targetsAt = md.length();
    JsonObject results = new JsonObject();
    results.put("throughput", throughput(defaultLoops));
    results.put("cpu", cpu());
    results.put("put_latency", putLatency());
    results.put("availability_latency", availabilityLatency());
    results.put("slots_latency", slotsLatency());
    results.put("booking_throughput", bookingThroughput());
    results.put("scaling", scaling());
    results.put("metrics_cost", metricsCost());
    results.put("process", process(settings));
    results.put("webhooks", webhooks());
    results.put("jfr", jfr());
    md.insert(targetsAt, targetsTable());

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
    md.append("## Throughput: Convene, the bare Vert.x service, the ceilings (").append(defaultLoops)
        .append(" event loops)\n\n");
    md.append("Peak with wrk at a fixed connection count, one after the other in this run: Convene; the bare Vert.x "
        + "service (bench/reference/BareService.java: the least work over HTTP, as many event loops as Convene, "
        + "no router, no auth, one statement per request); the minimal ceiling (pgbench `-M prepared` running that "
        + "least work on the minimal tables, bench/pgbench/minimal-*.sql); the same-SQL ceiling (pgbench running "
        + "the statements Convene runs, bench/pgbench/*.sql). Convene ÷ bare is what Convene's features cost (the "
        + "target); bare ÷ minimal what HTTP and the load generator cost here; same-SQL ÷ minimal what Convene's "
        + "schema and statements cost in PostgreSQL. `POST /v1/availability` (issue 15) has neither a bare reference "
        + "nor a SQL ceiling: its work is the slot walk in Convene.\n\n");
    md.append("| Request | Convene req/s | wrk p50 / p99 | bare Vert.x req/s | minimal ceiling tx/s | same-SQL ceiling tx/s "
        + "| Convene ÷ bare | bare ÷ minimal | same-SQL ÷ minimal | Target | Met |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
    JsonArray out = new JsonArray();
    for (String[] r : REQUESTS) {
      JsonObject w = wrk("convene", r[0], "default");
      if (w == null) {
        continue;
      }
      JsonObject b = wrk("bare", r[0], "default");
      JsonObject min = pgbench("minimal", r[0]);
      JsonObject same = pgbench("same_sql", r[0]);
      double rps = okRps(w);
      Double bare = b == null ? null : okRps(b);
      Double minTps = min == null ? null : min.getDouble("tps");
      Double sameTps = same == null ? null : same.getDouble("tps");
      Double ofBare = ratio(rps, bare);
      String target = "";
      String met = "";
      if (List.of("get", "put", "schedule").contains(r[0])) {
        target = "≥ " + fmt(SHARE_OF_BARE, 2) + " × bare";
        met = metText(target(r[1] + " ≥ 0.75 × the bare Vert.x service", ofBare, SHARE_OF_BARE, true,
            ofBare == null ? "no bare figure" : fmt(ofBare, 2) + " × bare (" + num(rps) + " vs " + num(bare) + " req/s)",
            "≥ 0.75 × bare", errors(w) + (b == null ? 0 : errors(b))));
      }
      md.append("| ").append(r[1]).append(" | ").append(num(rps)).append(errorsNote(w)).append(" | ")
          .append(ms(w.getJsonObject("wrk").getLong("lat_p50_us") / 1000.0)).append(" / ")
          .append(ms(w.getJsonObject("wrk").getLong("lat_p99_us") / 1000.0)).append(" | ")
          .append(b == null ? "—" : num(bare) + errorsNote(b)).append(" | ")
          .append(min == null ? "—" : num(minTps) + failedNote(min)).append(" | ")
          .append(same == null ? "—" : num(sameTps) + failedNote(same)).append(" | ")
          .append(orDash(ofBare, 2)).append(" | ").append(orDash(ratio(bare, minTps), 2)).append(" | ")
          .append(orDash(ratio(sameTps, minTps), 2)).append(" | ").append(target).append(" | ").append(met)
          .append(" |\n");
      out.add(new JsonObject().put("request", r[1]).put("convene_rps", round(rps, 1))
          .put("convene_errors", errors(w))
          .put("wrk_p50_ms", w.getJsonObject("wrk").getLong("lat_p50_us") / 1000.0)
          .put("wrk_p99_ms", w.getJsonObject("wrk").getLong("lat_p99_us") / 1000.0)
          .put("bare_rps", round(bare, 1)).put("bare_errors", b == null ? null : errors(b))
          .put("minimal_ceiling_tps", round(minTps, 1)).put("same_sql_ceiling_tps", round(sameTps, 1))
          .put("convene_over_bare", round(ofBare, 3)).put("bare_over_minimal", round(ratio(bare, minTps), 3))
          .put("same_sql_over_minimal", round(ratio(sameTps, minTps), 3)));
    }
    md.append("\n");
    return out;
  }

  private JsonArray cpu() {
    md.append("CPU time per request during those steps (from /proc: the server's JVM, user and kernel; the embedded "
        + "PostgreSQL with all its backends). The load generators' own CPU is not counted but shares the same cores.\n\n");
    md.append("| Request | Convene CPU µs/req | of which kernel | Target | Met | bare Vert.x CPU µs/req | PostgreSQL µs/req "
        + "under Convene | under bare | minimal ceiling µs/tx | same-SQL ceiling µs/tx |\n");
    md.append("|---|---:|---:|---|---|---:|---:|---:|---:|---:|\n");
    JsonArray out = new JsonArray();
    for (String[] r : REQUESTS) {
      JsonObject w = wrk("convene", r[0], "default");
      if (w == null) {
        continue;
      }
      JsonObject b = wrk("bare", r[0], "default");
      Double conv = serverCpu(w, false);
      Double convSys = serverCpu(w, true);
      Double bareCpu = b == null ? null : serverCpu(b, false);
      Double pg = perItem(w.getValue("cpu_pg_s"), requests(w));
      Double pgBare = b == null ? null : perItem(b.getValue("cpu_pg_s"), requests(b));
      Double pgMin = pgbenchCpu(pgbench("minimal", r[0]));
      Double pgSame = pgbenchCpu(pgbench("same_sql", r[0]));
      String target = "";
      String met = "";
      double limit = r[0].equals("get") ? CPU_GET_US : r[0].equals("put") ? CPU_PUT_US : 0;
      if (limit > 0) {
        target = "≤ " + fmt(limit, 0) + " µs";
        met = metText(target("Convene CPU per " + (r[0].equals("get") ? "GET" : "PUT") + ", kernel included, ≤ "
            + fmt(limit, 0) + " µs", conv, limit, false, conv == null ? "not measured" : fmt(conv, 0) + " µs", target, 0));
      }
      md.append("| ").append(r[1]).append(" | ").append(orDash(conv, 0)).append(" | ").append(orDash(convSys, 0))
          .append(" | ").append(target).append(" | ").append(met).append(" | ").append(orDash(bareCpu, 0))
          .append(" | ").append(orDash(pg, 0)).append(" | ").append(orDash(pgBare, 0)).append(" | ")
          .append(orDash(pgMin, 0)).append(" | ").append(orDash(pgSame, 0)).append(" |\n");
      out.add(new JsonObject().put("request", r[1]).put("convene_cpu_us_per_request", round(conv, 1))
          .put("convene_kernel_cpu_us_per_request", round(convSys, 1)).put("bare_cpu_us_per_request", round(bareCpu, 1))
          .put("postgres_cpu_us_per_request", round(pg, 1)).put("postgres_cpu_us_per_bare_request", round(pgBare, 1))
          .put("minimal_ceiling_postgres_cpu_us_per_tx", round(pgMin, 1))
          .put("same_sql_ceiling_postgres_cpu_us_per_tx", round(pgSame, 1)));
    }
    md.append("\n");
    return out;
  }

  private JsonObject putLatency() {
    JsonObject step = find(s -> "openload".equals(s.getString("kind")) && "put".equals(s.getString("name")));
    md.append("## PUT latency at half its peak (open model)\n\n");
    if (step == null) {
      md.append("Not measured.\n\n");
      target("PUT p99 at half its peak ≤ 5 ms, or ≤ 1.5 × pgbench -R alone at that rate", null, PUT_P99_MS, false,
          "not measured", "≤ 5 ms", 0);
      return null;
    }
    JsonObject r = step.getJsonObject("result");
    JsonObject peak = wrk("convene", "put", "default");
    double peakRps = peak == null ? 0 : okRps(peak);
    md.append("bench/OpenLoad.java fires requests on a fixed schedule whatever the answers do and measures each "
        + "latency from its intended send time (no coordinated omission), at half the PUT peak measured above; ")
        .append(num(r.getDouble("warmup_s"))).append(" s warm-up, then ").append(num(r.getDouble("duration_s")))
        .append(" s measured, at most ").append(r.getValue("connections")).append(" connections. Beside it, "
            + "`pgbench -R` at the same rate (each transaction's latency from its scheduled start) running each "
            + "ceiling's transaction: PostgreSQL alone at that rate.\n\n");
    md.append("| | Rate | p50 | p90 | p99 | p99.9 | max | errors |\n");
    md.append("|---|---|---:|---:|---:|---:|---:|---:|\n");
    Double p99 = r.getDouble("p99_ms");
    md.append("| Convene | ").append(num(step.getDouble("rate"))).append("/s (half of ").append(num(peakRps)).append("/s) | ")
        .append(ms(r.getDouble("p50_ms"))).append(" | ").append(ms(r.getDouble("p90_ms"))).append(" | ")
        .append(ms(p99)).append(" | ").append(ms(r.getDouble("p999_ms"))).append(" | ")
        .append(ms(r.getDouble("max_ms"))).append(" | ").append(r.getValue("errors")).append(" of ")
        .append(num(r.getLong("requests"))).append(" |\n");
    JsonObject ceilings = new JsonObject();
    for (String ceiling : new String[] {"minimal", "same_sql"}) {
      JsonObject pgRate = find(s -> "pgbench_rate".equals(s.getString("kind")) && "put".equals(s.getString("name"))
          && ceiling.equals(s.getString("ceiling", "same_sql")));
      JsonObject pr = pgRate == null ? null : pgRate.getJsonObject("result");
      if (pr != null && pr.containsKey("p50_ms")) {
        md.append("| ").append(ceiling.equals("minimal") ? "minimal" : "same-SQL").append(" ceiling: pgbench `-R`, ")
            .append(pgRate.getValue("clients")).append(" clients | ")
            .append(num(pgRate.getDouble("rate"))).append("/s | ").append(ms(pr.getDouble("p50_ms"))).append(" | ")
            .append(ms(pr.getDouble("p90_ms"))).append(" | ").append(ms(pr.getDouble("p99_ms"))).append(" | ")
            .append(ms(pr.getDouble("p999_ms"))).append(" | ").append(ms(pr.getDouble("max_ms"))).append(" | of ")
            .append(num(pr.getLong("transactions"))).append(" |\n");
        ceilings.put(ceiling, pr);
      }
    }
    md.append("\n");
    // The limit: 5 ms, or 1.5 × PostgreSQL alone running the minimal transaction at that rate when that is higher.
    JsonObject minimal = ceilings.getJsonObject("minimal");
    Double pgP99 = minimal == null ? null : minimal.getDouble("p99_ms");
    double limit = Math.max(PUT_P99_MS, pgP99 == null ? 0 : PUT_P99_OF_POSTGRES * pgP99);
    String limitText = "≤ 5 ms" + (pgP99 == null ? "" : " or ≤ 1.5 × " + ms(pgP99) + " (minimal pgbench -R p99)");
    target("PUT p99 at half its peak ≤ 5 ms, or ≤ 1.5 × pgbench -R alone at that rate", p99, limit, false,
        p99 == null ? "—" : ms(p99) + " at " + num(step.getDouble("rate")) + "/s", limitText, r.getLong("errors", 0L));
    if (r.getDouble("max_send_lag_ms", 0.0) > 5) {
      md.append("The generator itself sent ").append(num(r.getLong("sent_late_over_5ms", 0L)))
          .append(" requests more than 5 ms late (at worst ").append(ms(r.getDouble("max_send_lag_ms")))
          .append("): it did not get a CPU in time. Those delays are inside the figures above; measured from the actual "
              + "send instead, p50 ").append(ms(r.getDouble("from_send_p50_ms"))).append(", p99 ")
          .append(ms(r.getDouble("from_send_p99_ms"))).append(".\n\n");
    }
    return r.copy().put("peak_rps", round(peakRps, 1)).put("cpu_convene_s", step.getValue("cpu_convene_s"))
        .put("cpu_pg_s", step.getValue("cpu_pg_s")).put("ceilings", ceilings);
  }

  /** Issue 15: 2 attendees, 14 days, 20 meetings each, Google busy from a stand-in answering at once. */
  private JsonObject availabilityLatency() {
    return halfPeakLatency("availability", "availability p99 at half its peak ≤ 20 ms", "Availability",
        "`POST /v1/availability` for 2 attendees over their 14-day window, each with 20 meetings and a connected "
        + "calendar whose free/busy a local Google stand-in (bench/GoogleStandIn.java) answers at once, with "
        + "bench/OpenLoad.java at half its peak measured above (there is no SQL ceiling or bare reference for it).\n\n");
  }

  /** Issue 16: a booking page's slots for a week, one host with 30 meetings in it. */
  private JsonObject slotsLatency() {
    return halfPeakLatency("slots", "public slots p99 at half their peak ≤ 20 ms", "Public slots",
        "`GET /public/v1/meetingevents/{slug}/slots` for a week (Mon–Fri 09:00–17:00 UTC, 30 minutes), one host with "
        + "30 meetings of their own in it, no calendar connection, with bench/OpenLoad.java at half its peak measured "
        + "above (no SQL ceiling or bare reference: the work is the slot walk in Convene).\n\n");
  }

  /** Issue 16: bookings per second beside the minimal ceiling of POST /v1/schedule. */
  private JsonObject bookingThroughput() {
    String name = "booking ≥ 0.5 × the minimal ceiling of POST /v1/schedule";
    JsonObject w = wrk("convene", "book", "default");
    JsonObject min = pgbench("minimal", "schedule");
    md.append("## Booking throughput\n\n");
    if (w == null || min == null) {
      md.append("Not measured.\n\n");
      target(name, null, BOOK_SHARE_OF_SCHEDULE_CEILING, true, "not measured", "≥ 0.5 × minimal ceiling", 0);
      return null;
    }
    double rps = okRps(w);
    double ceiling = min.getDouble("tps");
    Double share = ratio(rps, ceiling);
    md.append("`POST /public/v1/meetingevents/{slug}/book` at peak (wrk), each booking a different 5-minute slot of one "
        + "of 64 meeting events with a host each (bench/wrk/book.lua): the offered-slot check, the hosts' busy time, "
        + "then the advisory locks, the re-read and the insert with its events in one transaction. Beside the minimal "
        + "ceiling of `POST /v1/schedule` (bench/pgbench/minimal-schedule.sql).\n\n");
    md.append("| Bookings/s | wrk p50 / p99 | Convene CPU µs/call | minimal schedule ceiling tx/s | ÷ ceiling | Target | Met |\n");
    md.append("|---:|---:|---:|---:|---:|---|---|\n");
    JsonObject t = target(name, share, BOOK_SHARE_OF_SCHEDULE_CEILING, true,
        share == null ? "—" : fmt(share, 2) + " × (" + num(rps) + " vs " + num(ceiling) + ")", "≥ 0.5 × minimal ceiling",
        errors(w));
    md.append("| ").append(num(rps)).append(errorsNote(w)).append(" | ")
        .append(ms(w.getJsonObject("wrk").getLong("lat_p50_us") / 1000.0)).append(" / ")
        .append(ms(w.getJsonObject("wrk").getLong("lat_p99_us") / 1000.0)).append(" | ")
        .append(orDash(serverCpu(w, false), 0)).append(" | ").append(num(ceiling)).append(" | ")
        .append(orDash(share, 2)).append(" | ≥ 0.5 | ").append(metText(t)).append(" |\n\n");
    return new JsonObject().put("rps", round(rps, 1)).put("minimal_schedule_ceiling_tps", round(ceiling, 1))
        .put("share", share == null ? null : round(share, 3));
  }

  /** p50/p90/p99 of an open-model step at half the peak its wrk step measured, against a p99 limit. */
  private JsonObject halfPeakLatency(String step0, String name, String title, String description) {
    JsonObject step = find(s -> "openload".equals(s.getString("kind")) && step0.equals(s.getString("name")));
    md.append("## ").append(title).append(" latency at half its peak (open model)\n\n");
    if (step == null) {
      md.append("Not measured.\n\n");
      target(name, null, AVAILABILITY_P99_MS, false, "not measured", "≤ 20 ms", 0);
      return null;
    }
    JsonObject r = step.getJsonObject("result");
    JsonObject peak = wrk("convene", step0, "default");
    double peakRps = peak == null ? 0 : okRps(peak);
    md.append(description);
    md.append("| Rate | p50 | p90 | p99 | max | errors | Convene CPU µs/call | Target | Met |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---|---|\n");
    Double p99 = r.getDouble("p99_ms");
    Double cpuPerCall = perItem(step.getValue("cpu_convene_s"), r.getLong("requests", 0L));
    JsonObject t = target(name, p99, AVAILABILITY_P99_MS, false,
        p99 == null ? "—" : ms(p99) + " at " + num(step.getDouble("rate")) + "/s", "≤ 20 ms", r.getLong("errors", 0L));
    md.append("| ").append(num(step.getDouble("rate"))).append("/s (half of ").append(num(peakRps)).append("/s) | ")
        .append(ms(r.getDouble("p50_ms"))).append(" | ").append(ms(r.getDouble("p90_ms"))).append(" | ").append(ms(p99))
        .append(" | ").append(ms(r.getDouble("max_ms"))).append(" | ").append(r.getValue("errors")).append(" of ")
        .append(num(r.getLong("requests"))).append(" | ").append(orDash(cpuPerCall, 0))
        .append(" | ≤ 20 ms (p99) | ").append(metText(t)).append(" |\n\n");
    return r.copy().put("peak_rps", round(peakRps, 1)).put("cpu_convene_s", step.getValue("cpu_convene_s"))
        .put("cpu_pg_s", step.getValue("cpu_pg_s"));
  }

  private JsonArray scaling() {
    md.append("## Scaling across event loops\n\n");
    md.append("The same wrk runs after a restart with `CONVENE_EVENT_LOOPS=1`, then `=2`; req/s, with "
        + "Convene CPU µs/req in brackets.\n\n");
    md.append("| Request | 1 event loop | 2 event loops | 2 ÷ 1 |\n");
    md.append("|---|---:|---:|---:|\n");
    JsonArray out = new JsonArray();
    for (String[] r : REQUESTS) {
      JsonObject one = wrk("convene", r[0], "1");
      JsonObject two = wrk("convene", r[0], "2");
      if (one == null && two == null) {
        continue;
      }
      Double a = one == null ? null : okRps(one);
      Double b = two == null ? null : okRps(two);
      md.append("| ").append(r[1]).append(" | ").append(scaleCell(one)).append(" | ").append(scaleCell(two))
          .append(" | ").append(orDash(ratio(b, a), 2)).append(" |\n");
      if (r[0].equals("get")) {
        Double gain = ratio(b, a);
        target("GET with 2 event loops higher than with 1", gain, 1.0, true,
            a == null || b == null ? "not measured" : num(b) + " vs " + num(a) + " req/s (" + fmt(gain, 2) + "×)",
            "> 1 event loop's", (one == null ? 0 : errors(one)) + (two == null ? 0 : errors(two)));
      }
      out.add(new JsonObject().put("request", r[1]).put("rps_1_loop", round(a, 1)).put("rps_2_loops", round(b, 1)));
    }
    md.append("\n");
    return out;
  }

  /** GET with 2 event loops, metrics on (the scaling run) and off (a restart like it): issue 14's ≤ 3 %. */
  private JsonObject metricsCost() {
    JsonObject on = wrk("convene", "get", "2");
    JsonObject off = wrk("convene", "get", "2-no-metrics");
    if (on == null || off == null) {
      return null;
    }
    Double withMetrics = okRps(on);
    Double without = okRps(off);
    Double cost = withMetrics == null || without == null || without == 0 ? null : 1 - withMetrics / without;
    md.append("## What metrics cost\n\n");
    md.append("`GET /v1/meetings/{id}` with 2 event loops, metrics on (the scaling run above) and off "
        + "(`CONVENE_METRICS_ENABLED=false`, the same restart and warm-up): ").append(num(withMetrics))
        .append(" vs ").append(num(without)).append(" req/s, ").append(cost == null ? "?" : fmt(cost * 100, 1) + " %")
        .append(" fewer with metrics; Convene CPU ").append(scaleCell(on)).append(" vs ").append(scaleCell(off))
        .append(".\n\n");
    target("GET cost of metrics (issue 14)", cost == null ? null : cost * 100, 3.0, false,
        cost == null ? "not measured" : fmt(cost * 100, 1) + " % (" + num(withMetrics) + " vs " + num(without) + " req/s)",
        "≤ 3 %", errors(on) + errors(off));
    return new JsonObject().put("rps_with_metrics", round(withMetrics, 1)).put("rps_without_metrics", round(without, 1))
        .put("cost_percent", cost == null ? null : round(cost * 100, 2));
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
    md.append("| Measure | Value | Target | Met |\n|---|---:|---|---|\n");
    JsonObject rss = target("Peak RSS of Convene ≤ 512 MiB through the run", processes == 0 ? null : mib, RSS_MIB,
        false, fmt(mib, 0) + " MiB", "≤ 512 MiB", 0);
    md.append("| Peak RSS (VmHWM, highest of ").append(processes).append(" Convene processes) | ")
        .append(fmt(mib, 0)).append(" MiB | ≤ 512 MiB | ").append(metText(rss)).append(" |\n");
    StringBuilder readyText = new StringBuilder();
    for (double r : ready) {
      readyText.append(readyText.length() == 0 ? "" : ", ").append(fmt(r, 2)).append(" s");
    }
    md.append("| Start to ready, existing data dir (until /health answers) | ").append(readyText)
        .append(" | — | |\n");
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
    String drainTarget = "Webhook drain (a backlog) ≥ 5,000 deliveries/s";
    String wdTarget = "Write-and-deliver sustains 2,000 events/s with commit-to-receipt p99 ≤ 250 ms";
    if (w == null || !w.getBoolean("available", false)) {
      String why = w == null ? "not measured" : w.getString("note", "not available");
      md.append("webhooks: ").append(why).append(".\n\n");
      target(drainTarget, null, DELIVERIES_PER_S, true, why, "≥ 5,000/s", 0);
      target(wdTarget, null, WRITE_DELIVER_P99_MS, false, why, "≤ 250 ms at 2,000/s", 0);
      return new JsonObject().put("available", false).put("note", why);
    }
    JsonObject tp = w.getJsonObject("throughput");
    JsonObject tr = tp.getJsonObject("receiver", new JsonObject());
    Double perS = tr.getDouble("per_s");
    long expected = tp.getLong("expected", 0L);
    long delivered = tr.getLong("counted", 0L);
    md.append("A local receiver (bench/WebhookReceiver.java) answers 200 at once. Drain: a backlog committed at once "
        + "(copies of the `meeting.updated` events the PUT steps wrote, inserted with their deliveries in one transaction "
        + "that ends with the NOTIFY Convene sends after a change), drained by the running node with the API idle, after as "
        + "many unmeasured for the JIT; deliveries/s from the first receipt to the last.\n\n");
    md.append("| Measure | Value | Target | Met |\n|---|---:|---|---|\n");
    JsonObject t1 = target(drainTarget, perS, DELIVERIES_PER_S, true, perS == null ? "—" : num(perS) + "/s",
        "≥ 5,000/s", expected - delivered);
    md.append("| Deliveries/s (").append(num(delivered)).append(" of ").append(num(expected))
        .append(" deliveries of the backlog; ").append(cpuPerDelivery(tp, delivered)).append(") | ")
        .append(perS == null ? "—" : num(perS)).append(" | ≥ 5,000/s | ").append(metText(t1)).append(" |\n\n");

    md.append("Write-and-deliver: the seed's PUT at a fixed rate (bench/OpenLoad.java, open model) while the endpoint "
        + "takes every `meeting.updated`; commit-to-receipt from each change's `updated_at` (taken in its "
        + "transaction) to its receipt. Sustained: all delivered, no errors, and both the PUTs answered and the "
        + "receipts per second (first receipt to last) at least ").append(fmt(SUSTAINED_SHARE * 100, 0))
        .append(" % of the offered rate.\n\n");
    md.append("| Offered events/s | PUTs answered/s | errors | delivered | receipts/s | p50 | p99 | max | Convene CPU µs/event "
        + "| Target | Met |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
    JsonArray rates = new JsonArray();
    boolean targetSeen = false;
    for (JsonObject s : steps) {
      if (!"write_deliver".equals(s.getString("kind")) || s.getBoolean("recorded", false)) {
        continue;
      }
      double rate = s.getDouble("rate");
      JsonObject ol = s.getJsonObject("open_load", new JsonObject());
      JsonObject rc = s.getJsonObject("receiver", new JsonObject());
      long sent = s.getLong("expected", 0L);
      long got = rc.getLong("counted", 0L);
      long errs = ol.getLong("errors", 0L);
      Double answered = ol.getDouble("achieved_ok_per_s");
      Double receipts = rc.getDouble("per_s");
      Double p99 = rc.getDouble("p99_ms");
      boolean sustained = got >= sent && sent > 0 && errs == 0 && answered != null && receipts != null
          && answered >= SUSTAINED_SHARE * rate && receipts >= SUSTAINED_SHARE * rate;
      String target = "";
      String met = "";
      if (rate == 2000) {
        targetSeen = true;
        target = "sustained, p99 ≤ 250 ms";
        JsonObject t = target(wdTarget, p99, WRITE_DELIVER_P99_MS, false,
            (sustained ? "sustained" : "not sustained (" + num(receipts) + " receipts/s, " + num(got) + " of "
                + num(sent) + " delivered)") + ", p99 " + ms(p99), "≤ 250 ms at 2,000/s, sustained", errs + (sent - got));
        if (!sustained) {
          t.put("met", false);
        }
        met = metText(t);
      }
      Double cpu = perItem(s.getValue("cpu_convene_s"), got);
      md.append("| ").append(num(rate)).append(" | ").append(num(answered)).append(" | ").append(errs).append(" | ")
          .append(num(got)).append(" of ").append(num(sent)).append(" | ").append(num(receipts)).append(" | ")
          .append(ms(rc.getDouble("p50_ms"))).append(" | ").append(ms(p99)).append(" | ").append(ms(rc.getDouble("max_ms")))
          .append(" | ").append(orDash(cpu, 0)).append(" | ").append(target).append(" | ").append(met).append(" |\n");
      rates.add(new JsonObject().put("rate", rate).put("puts_answered_per_s", answered).put("errors", errs)
          .put("delivered", got).put("expected", sent).put("receipts_per_s", receipts).put("p50_ms", rc.getValue("p50_ms"))
          .put("p99_ms", p99).put("max_ms", rc.getValue("max_ms")).put("sustained", sustained)
          .put("convene_cpu_us_per_event", round(cpu, 1)));
    }
    md.append("\n");
    if (!targetSeen) {
      target(wdTarget, null, WRITE_DELIVER_P99_MS, false, "not measured at 2,000/s", "≤ 250 ms at 2,000/s", 0);
    }
    return new JsonObject().put("available", true).put("deliveries_per_s", perS).put("delivered", delivered)
        .put("expected", expected).put("write_and_deliver", rates);
  }

  private JsonArray jfr() {
    md.append("## Where the time goes (JFR)\n\n");
    JsonArray out = new JsonArray();
    List<JsonObject> recorded = new ArrayList<>();
    for (JsonObject s : steps) {
      if ("jfr".equals(s.getString("kind"))) {
        recorded.add(s);
      }
    }
    if (recorded.isEmpty()) {
      md.append("No recording in this run.\n\n");
      return out;
    }
    md.append("A Java Flight Recording of a separate repeat of each step (never of the measured one), summarised in `")
        .append(jfrFile).append("` beside these results: hot methods, allocation, GC, monitor waits and parks, and "
            + "what recording cost. In brief:\n\n");
    md.append("| Step | CPU samples | hottest methods (self) | allocation MB/s | bytes/request | GC pause ms | monitor wait ms "
        + "| parked ms |\n|---|---:|---|---:|---:|---:|---:|---:|\n");
    for (JsonObject s : recorded) {
      JsonObject j = s.getJsonObject("summary");
      if (j == null) {
        continue;
      }
      StringBuilder top = new StringBuilder();
      JsonArray methods = j.getJsonArray("top_methods", new JsonArray());
      for (int i = 0; i < Math.min(3, methods.size()); i++) {
        JsonObject m = methods.getJsonObject(i);
        String name = m.getString("method");
        int dot = name.lastIndexOf('.', name.lastIndexOf('.') - 1);
        top.append(i == 0 ? "" : ", ").append('`').append(dot < 0 ? name : name.substring(dot + 1)).append("` ")
            .append(fmt(m.getDouble("share") * 100, 0)).append(" %");
      }
      md.append("| ").append(s.getString("title")).append(" | ").append(num(j.getLong("samples"))).append(" | ")
          .append(top).append(" | ").append(fmt(j.getDouble("alloc_mb_per_s"), 0)).append(" | ")
          .append(j.getValue("alloc_bytes_per_request") == null ? "—" : num(j.getLong("alloc_bytes_per_request")))
          .append(" | ").append(fmt(j.getDouble("gc_pause_ms"), 0)).append(" | ")
          .append(fmt(j.getDouble("monitor_wait_ms"), 0)).append(" | ").append(fmt(j.getDouble("park_ms"), 0))
          .append(" |\n");
      out.add(new JsonObject().put("step", s.getString("name")).put("title", s.getString("title"))
          .put("note", s.getString("note")).put("summary", j));
    }
    md.append("\n");
    return out;
  }

  private String targetsTable() {
    StringBuilder t = new StringBuilder();
    t.append("## Targets (issue 20; availability: issue 15; slots and booking: issue 16)\n\n");
    t.append("| Target | Measured | Limit | Measured ÷ limit | Met |\n|---|---|---|---:|---|\n");
    for (int i = 0; i < targets.size(); i++) {
      JsonObject x = targets.getJsonObject(i);
      t.append("| ").append(x.getString("target")).append(" | ").append(x.getString("measured_text")).append(" | ")
          .append(x.getString("limit_text")).append(" | ")
          .append(x.getValue("ratio") == null ? "—" : fmt(x.getDouble("ratio"), 2)).append(" | ")
          .append(metText(x)).append(" |\n");
    }
    t.append("\n");
    return t.toString();
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

  /** A wrk step of one server: convene or bare (the bare Vert.x service). */
  private JsonObject wrk(String target, String name, String loops) {
    return find(s -> "wrk".equals(s.getString("kind")) && target.equals(s.getString("target", "convene"))
        && name.equals(s.getString("name")) && loops.equals(s.getString("event_loops")));
  }

  /** A pgbench step of one ceiling: minimal or same_sql. */
  private JsonObject pgbench(String ceiling, String name) {
    return find(s -> "pgbench".equals(s.getString("kind")) && ceiling.equals(s.getString("ceiling", "same_sql"))
        && name.equals(s.getString("name")));
  }

  private static long requests(JsonObject wrkStep) {
    return wrkStep.getJsonObject("wrk").getLong("requests");
  }

  /** The server's CPU µs per request during a wrk step; kernel time alone when asked. */
  private static Double serverCpu(JsonObject wrkStep, boolean kernelOnly) {
    return perItem(wrkStep.getValue(kernelOnly ? "cpu_server_sys_s" : "cpu_server_s"), requests(wrkStep));
  }

  private static Double pgbenchCpu(JsonObject pg) {
    return pg == null ? null : perItem(pg.getValue("cpu_pg_s"), pg.getLong("transactions", 0L));
  }

  private static Double ratio(Double a, Double b) {
    return a == null || b == null || b == 0 ? null : a / b;
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
    Double cpu = serverCpu(w, false);
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
