// Summarises a Java Flight Recording of one benchmark step (bench/run.sh records a separate short
// repeat of each step with `jcmd <pid> JFR.start settings=profile method-profiling=max
// locking-threshold=1ms`): where the CPU goes (hot methods, by thread and by package), how fast it
// allocates, GC pauses, and the time threads waited on monitors and parked. Appends a Markdown section
// to the output file and prints one line "JFR_JSON {...}" with the main figures.
//
//   java bench/JfrSummary.java <recording.jfr> <out.md> <title> <requests during the recording> <cost note>

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

public class JfrSummary {
  private static final int TOP = 12;
  /** Frames of the JDK's and the libraries' waiting machinery, skipped to name where a thread parked or locked. */
  private static final String[] PLUMBING = {"java.util.concurrent.", "jdk.internal.", "sun.", "java.lang.Thread."};

  private final Map<String, Long> selfFrames = new HashMap<>();
  private final Map<String, Long> conveneFrames = new HashMap<>();
  private final Map<String, Long> samplesByThread = new HashMap<>();
  private final Map<String, Long> samplesByPackage = new HashMap<>();
  private final Map<String, Long> nativeFrames = new HashMap<>();
  private final Map<String, Long> allocByClass = new HashMap<>();
  private final Map<String, Long> allocBySite = new HashMap<>();
  private final Map<String, Long> lockNanos = new HashMap<>();
  private final Map<String, Long> parkNanosByThread = new HashMap<>();
  private final Map<String, Long> parkNanosBySite = new HashMap<>();
  private long samples;
  private long nativeSamples;
  private long allocBytes;
  private long locks;
  private long lockTotalNanos;
  private long parks;
  private long parkTotalNanos;
  private long gcPauses;
  private long gcPauseNanos;
  private Instant first;
  private Instant last;

  public static void main(String[] args) throws Exception {
    JfrSummary s = new JfrSummary();
    try (RecordingFile file = new RecordingFile(Path.of(args[0]))) {
      while (file.hasMoreEvents()) {
        s.add(file.readEvent());
      }
    }
    long requests = Long.parseLong(args[3]);
    String section = s.markdown(args[2], requests, args[4]);
    Files.writeString(Path.of(args[1]), section, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    System.out.println("JFR_JSON " + s.json(requests));
  }

  /** The recording's span, from the samples taken all through it (other events may have begun before it). */
  private void sampledAt(Instant t) {
    if (first == null || t.isBefore(first)) {
      first = t;
    }
    if (last == null || t.isAfter(last)) {
      last = t;
    }
  }

  private void add(RecordedEvent e) {
    switch (e.getEventType().getName()) {
      case "jdk.ExecutionSample" -> {
        sampledAt(e.getStartTime());
        samples++;
        RecordedFrame top = topFrame(e.getStackTrace());
        String method = top == null ? "(no stack)" : method(top);
        selfFrames.merge(method, 1L, Long::sum);
        samplesByPackage.merge(area(method), 1L, Long::sum);
        samplesByThread.merge(threadName(e.getThread("sampledThread")), 1L, Long::sum);
        RecordedFrame convene = firstFrame(e.getStackTrace(), f -> method(f).startsWith("io.convene."));
        if (convene != null) {
          conveneFrames.merge(method(convene), 1L, Long::sum);
        }
      }
      case "jdk.NativeMethodSample" -> {
        sampledAt(e.getStartTime());
        nativeSamples++;
        RecordedFrame top = topFrame(e.getStackTrace());
        nativeFrames.merge(top == null ? "(no stack)" : method(top), 1L, Long::sum);
      }
      case "jdk.ObjectAllocationSample" -> {
        long weight = e.getLong("weight");
        allocBytes += weight;
        allocByClass.merge(e.getClass("objectClass").getName(), weight, Long::sum);
        RecordedFrame site = firstFrame(e.getStackTrace(), f -> !isPlumbing(method(f)) && !method(f).startsWith("java."));
        allocBySite.merge(site == null ? "(JDK)" : method(site), weight, Long::sum);
      }
      case "jdk.JavaMonitorEnter" -> {
        locks++;
        long nanos = e.getDuration().toNanos();
        lockTotalNanos += nanos;
        RecordedFrame site = firstFrame(e.getStackTrace(), f -> !isPlumbing(method(f)));
        lockNanos.merge(e.getClass("monitorClass").getName() + " in " + (site == null ? "?" : method(site)), nanos,
            Long::sum);
      }
      case "jdk.ThreadPark" -> {
        parks++;
        long nanos = e.getDuration().toNanos();
        parkTotalNanos += nanos;
        parkNanosByThread.merge(threadGroup(threadName(e.getThread())), nanos, Long::sum);
        RecordedFrame site = firstFrame(e.getStackTrace(), f -> !isPlumbing(method(f)));
        parkNanosBySite.merge(site == null ? "?" : method(site), nanos, Long::sum);
      }
      case "jdk.GCPhasePause" -> {
        gcPauses++;
        gcPauseNanos += e.getDuration().toNanos();
      }
      default -> { }
    }
  }

  private String markdown(String title, long requests, String costNote) {
    double seconds = seconds();
    StringBuilder md = new StringBuilder();
    md.append("## ").append(title).append("\n\n");
    md.append(String.format(Locale.ROOT, "%.1f s recorded, %s requests (%s/s). %s%n%n", seconds, num(requests),
        num(seconds > 0 ? requests / seconds : 0), costNote));
    md.append(String.format(Locale.ROOT, "- Allocation: %.0f MB/s, %s bytes per request (sampled weights)%n",
        allocBytes / 1e6 / Math.max(seconds, 1e-9), requests > 0 ? num((double) allocBytes / requests) : "—"));
    md.append(String.format(Locale.ROOT, "- GC: %d pauses, %.1f ms in all%n", gcPauses, gcPauseNanos / 1e6));
    md.append(String.format(Locale.ROOT, "- Monitor waits of 1 ms or more: %d, %.1f ms in all%n", locks,
        lockTotalNanos / 1e6));
    md.append(String.format(Locale.ROOT, "- Thread parks of 1 ms or more: %d, %.0f ms in all (idle pool threads "
        + "waiting for work count here too)%n%n", parks, parkTotalNanos / 1e6));

    md.append("CPU samples (threads running Java code, every ms): ").append(num(samples))
        .append("; by thread: ").append(inline(samplesByThread, samples)).append("; by code: ")
        .append(inline(samplesByPackage, samples)).append(".\n\n");
    table(md, "Hot methods (self: the sampled top frame)", "share of samples", selfFrames, samples, this::pct);
    table(md, "Convene's frames (the first io.convene frame of each sample's stack)", "share of samples",
        conveneFrames, samples, this::pct);
    table(md, "Native methods (threads in native code, every 20 ms)", "share of native samples", nativeFrames,
        nativeSamples, this::pct);
    table(md, "Allocation by class", "MB", allocByClass, allocBytes, v -> fmt(v / 1e6, 1));
    table(md, "Allocation by site (the first frame outside the JDK)", "MB", allocBySite, allocBytes,
        v -> fmt(v / 1e6, 1));
    table(md, "Monitor waits (class of the monitor, where)", "ms", lockNanos, lockTotalNanos, v -> fmt(v / 1e6, 1));
    table(md, "Parked time by thread", "ms", parkNanosByThread, parkTotalNanos, v -> fmt(v / 1e6, 0));
    table(md, "Parked time by site", "ms", parkNanosBySite, parkTotalNanos, v -> fmt(v / 1e6, 0));
    return md.toString();
  }

  private String json(long requests) {
    double seconds = seconds();
    StringBuilder top = new StringBuilder("[");
    for (Map.Entry<String, Long> e : sorted(selfFrames).subList(0, Math.min(5, selfFrames.size()))) {
      top.append(top.length() > 1 ? "," : "").append("{\"method\":\"").append(e.getKey().replace("\"", "'"))
          .append("\",\"share\":").append(fmt(samples == 0 ? 0 : (double) e.getValue() / samples, 3)).append('}');
    }
    top.append(']');
    return String.format(Locale.ROOT, "{\"seconds\":%.2f,\"requests\":%d,\"samples\":%d,\"alloc_mb_per_s\":%.1f,"
            + "\"alloc_bytes_per_request\":%s,\"gc_pauses\":%d,\"gc_pause_ms\":%.1f,\"monitor_waits\":%d,"
            + "\"monitor_wait_ms\":%.1f,\"parks\":%d,\"park_ms\":%.0f,\"top_methods\":%s}",
        seconds, requests, samples, allocBytes / 1e6 / Math.max(seconds, 1e-9),
        requests > 0 ? String.valueOf(allocBytes / requests) : "null", gcPauses, gcPauseNanos / 1e6, locks,
        lockTotalNanos / 1e6, parks, parkTotalNanos / 1e6, top);
  }

  private double seconds() {
    return first == null ? 0 : Duration.between(first, last).toNanos() / 1e9;
  }

  private String pct(double share) {
    return fmt(share * 100, 1) + " %";
  }

  private void table(StringBuilder md, String title, String unit, Map<String, Long> values, long total,
                     Function<Double, String> cell) {
    md.append("**").append(title).append("**\n\n");
    if (values.isEmpty()) {
      md.append("none recorded\n\n");
      return;
    }
    md.append("| | ").append(unit).append(" |\n|---|---:|\n");
    boolean share = unit.startsWith("share");
    for (Map.Entry<String, Long> e : sorted(values).subList(0, Math.min(TOP, values.size()))) {
      md.append("| `").append(e.getKey()).append("` | ")
          .append(cell.apply(share ? (total == 0 ? 0 : (double) e.getValue() / total) : (double) e.getValue()))
          .append(" |\n");
    }
    md.append('\n');
  }

  private String inline(Map<String, Long> values, long total) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, Long> e : sorted(values).subList(0, Math.min(6, values.size()))) {
      out.append(out.length() == 0 ? "" : ", ").append(e.getKey()).append(' ')
          .append(pct(total == 0 ? 0 : (double) e.getValue() / total));
    }
    return out.toString();
  }

  private static List<Map.Entry<String, Long>> sorted(Map<String, Long> values) {
    List<Map.Entry<String, Long>> list = new ArrayList<>(values.entrySet());
    list.sort(Map.Entry.<String, Long>comparingByValue().reversed());
    return list;
  }

  private static RecordedFrame topFrame(RecordedStackTrace stack) {
    return stack == null || stack.getFrames().isEmpty() ? null : stack.getFrames().get(0);
  }

  private static RecordedFrame firstFrame(RecordedStackTrace stack, java.util.function.Predicate<RecordedFrame> p) {
    if (stack == null) {
      return null;
    }
    for (RecordedFrame f : stack.getFrames()) {
      if (f.isJavaFrame() && p.test(f)) {
        return f;
      }
    }
    return null;
  }

  private static String method(RecordedFrame f) {
    return f.getMethod().getType().getName() + "." + f.getMethod().getName();
  }

  private static boolean isPlumbing(String method) {
    for (String p : PLUMBING) {
      if (method.startsWith(p)) {
        return true;
      }
    }
    return false;
  }

  /** The library a method belongs to, for a coarse split of the CPU samples. */
  private static String area(String method) {
    for (String p : new String[] {"io.convene.", "io.vertx.", "io.netty.", "com.fasterxml.", "java.", "jdk.", "sun."}) {
      if (method.startsWith(p)) {
        return p.substring(0, p.length() - 1);
      }
    }
    return "other";
  }

  private static String threadName(RecordedThread t) {
    return t == null ? "?" : t.getJavaName() != null ? t.getJavaName() : t.getOSName();
  }

  private static String threadGroup(String name) {
    return name.replaceAll("\\d+", "N");
  }

  private static String num(double v) {
    return String.format(Locale.ROOT, "%,.0f", v);
  }

  private static String fmt(double v, int digits) {
    return String.format(Locale.ROOT, "%." + digits + "f", v);
  }
}
