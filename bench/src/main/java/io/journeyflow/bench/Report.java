package io.journeyflow.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The measurements of one invocation: data sets, throughput runs (with their ratio to the
 * baseline of the same data set), the marginal CPU cost per rule, latency runs. Written as
 * {@code <date>.json} and {@code <date>.md}.
 */
public final class Report {

  /** Fields every throughput run has (null where not measurable, e.g. no checkpoint yet). */
  public static final List<String> THROUGHPUT_FIELDS = List.of(
      "name", "layout", "rules", "customers", "eventsConsumed", "completed", "measuredSeconds",
      "wallSeconds", "eventsPerSecond", "overallEventsPerSecond", "ratioToBaseline",
      "cpuCoresUsed", "cpuMicrosPerEvent", "jitCoresUsed",
      "checkpoints", "checkpointAvgMillis", "checkpointMaxMillis", "checkpointFullBytes",
      "checkpointIncrementalBytes", "stateBytesPerCustomer");

  private static final DateTimeFormatter FILE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final BenchSettings settings;
  private final Instant started = Instant.now();
  private final double loadAtStart = load();
  private double loadAtEnd;
  final List<Map<String, Object>> dataSets = new ArrayList<>();
  private final List<Map<String, Object>> throughput = new ArrayList<>();
  private final List<Map<String, Object>> latency = new ArrayList<>();
  private final List<Map<String, Object>> marginal = new ArrayList<>();
  private Instant finished;

  Report(BenchSettings settings) {
    this.settings = settings;
  }

  void dataSet(int customers, long events, int active, long stories, long avgBytes, Path file) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("customers", customers);
    d.put("activeCustomers", active);
    d.put("events", events);
    d.put("eventTypes", EventGenerator.typeCount());
    d.put("stories", stories);
    d.put("avgRecordBytes", avgBytes);
    d.put("file", file == null ? null : file.toString());
    dataSets.add(d);
  }

  int activeCustomers(int customers) {
    for (Map<String, Object> d : dataSets) {
      if ((Integer) d.get("customers") == customers) {
        return (Integer) d.get("activeCustomers");
      }
    }
    return customers;
  }

  void throughput(Map<String, Object> run) {
    Map<String, Object> base = findThroughput("baseline", 0, (Integer) run.get("customers"));
    Object ratio = null;
    if (base != null && !"baseline".equals(run.get("layout"))) {
      ratio = Harness.round(((Number) run.get("eventsPerSecond")).doubleValue()
          / Math.max(1, ((Number) base.get("eventsPerSecond")).doubleValue()), 3);
    } else if ("baseline".equals(run.get("layout"))) {
      ratio = 1.0;
    }
    Map<String, Object> ordered = new LinkedHashMap<>();
    for (String field : THROUGHPUT_FIELDS) {
      ordered.put(field, "ratioToBaseline".equals(field) ? ratio : run.get(field));
    }
    run.forEach(ordered::putIfAbsent); // what a run measures beyond them (decisions, overTime)
    throughput.add(ordered);
    if ("baseline".equals(run.get("layout"))) {
      // Every baseline run against the median of the runs so far: the median shows 1.0.
      double median = ((Number) findThroughput("baseline", 0, (Integer) run.get("customers"))
          .get("eventsPerSecond")).doubleValue();
      for (Map<String, Object> r : throughput) {
        if ("baseline".equals(r.get("layout")) && r.get("customers").equals(run.get("customers"))) {
          r.put("ratioToBaseline", Harness.round(
              ((Number) r.get("eventsPerSecond")).doubleValue() / Math.max(1, median), 3));
        }
      }
    }
  }

  /**
   * The run of a layout, rule count and data set; for the baseline, which runs several times,
   * the run with the median rate (the lower middle one of an even count).
   */
  Map<String, Object> findThroughput(String layout, int rules, int customers) {
    if ("baseline".equals(layout)) {
      List<Map<String, Object>> runs = new ArrayList<>();
      for (Map<String, Object> r : throughput) {
        if ("baseline".equals(r.get("layout")) && (Integer) r.get("customers") == customers) {
          runs.add(r);
        }
      }
      runs.sort(Comparator.comparingDouble(r -> ((Number) r.get("eventsPerSecond"))
          .doubleValue()));
      return runs.isEmpty() ? null : runs.get((runs.size() - 1) / 2);
    }
    for (Map<String, Object> r : throughput) {
      if (layout.equals(r.get("layout")) && (Integer) r.get("rules") == rules
          && (Integer) r.get("customers") == customers) {
        return r;
      }
    }
    return null;
  }

  void latency(Map<String, Object> run) {
    latency.add(run);
  }

  /**
   * Marginal CPU per added rule: the least-squares slope of CPU microseconds per event over the
   * rule count, per layout and data set (needs two rule counts or more).
   */
  void finish() {
    finished = Instant.now();
    loadAtEnd = load();
    for (String layout : List.of("full", "naive", "fast", "identity")) {
      for (int customers : settings.customers()) {
        List<double[]> points = new ArrayList<>();
        for (Map<String, Object> r : throughput) {
          if (layout.equals(r.get("layout")) && (Integer) r.get("customers") == customers) {
            points.add(new double[] {(Integer) r.get("rules"),
                ((Number) r.get("cpuMicrosPerEvent")).doubleValue()});
          }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("layout", layout);
        m.put("customers", customers);
        m.put("ruleCounts", points.stream().map(p -> (int) p[0]).toList());
        m.put("cpuMicrosPerEventPerRule",
            points.size() < 2 ? null : Harness.round(slope(points), 2));
        Map<String, Object> base = findThroughput("baseline", 0, customers);
        m.put("baselineCpuMicrosPerEvent", base == null ? null : base.get("cpuMicrosPerEvent"));
        if (!points.isEmpty()) {
          marginal.add(m);
        }
      }
    }
  }

  static double slope(List<double[]> points) {
    double n = points.size();
    double sx = 0;
    double sy = 0;
    double sxx = 0;
    double sxy = 0;
    for (double[] p : points) {
      sx += p[0];
      sy += p[1];
      sxx += p[0] * p[0];
      sxy += p[0] * p[1];
    }
    double d = n * sxx - sx * sx;
    return d == 0 ? 0 : (n * sxy - sx * sy) / d;
  }

  /** The whole report as a JSON-ready tree. */
  public Map<String, Object> toMap() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("started", started.toString());
    root.put("finished", finished == null ? null : finished.toString());
    Map<String, Object> machine = new LinkedHashMap<>();
    machine.put("availableProcessors", Runtime.getRuntime().availableProcessors());
    machine.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
    machine.put("java", System.getProperty("java.version"));
    machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    // Other processes on the machine take CPU from the runs: compare results only at low load.
    machine.put("loadAverageAtStart", loadAtStart);
    machine.put("loadAverageAtEnd", loadAtEnd);
    root.put("machine", machine);
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("profile", settings.profile());
    s.put("customers", settings.customers());
    s.put("rules", settings.rules());
    s.put("naiveRules", settings.naiveRules());
    s.put("fastRules", settings.fastRules());
    s.put("events", settings.events());
    s.put("maxRunSeconds", settings.maxRunTime().toSeconds());
    s.put("latencyRules", settings.latencyRules());
    s.put("latencySeconds", settings.latencyTime().toSeconds());
    s.put("checkpointIntervalMillis", settings.checkpointInterval().toMillis());
    s.put("outOfOrdernessMillis", settings.outOfOrderness().toMillis());
    s.put("watermarkIntervalMillis", settings.watermarkInterval().toMillis());
    s.put("bufferTimeoutMillis", settings.bufferTimeout().toMillis());
    s.put("extraConfig", settings.extraConfig());
    s.put("parallelism", settings.parallelism());
    s.put("managedMemory", settings.managedMemory());
    s.put("seed", settings.seed());
    s.put("zipfExponent", settings.zipfExponent());
    s.put("storyShare", settings.storyShare());
    s.put("kafka", settings.bootstrap() == null ? "in-JVM broker" : "external broker");
    root.put("settings", s);
    root.put("dataSets", dataSets);
    root.put("throughput", throughput);
    root.put("marginalCpuPerRule", marginal);
    root.put("latency", latency);
    return root;
  }

  /** Writes {@code <date>.json} and {@code <date>.md} into the output directory; the JSON path. */
  public Path write() throws IOException {
    Files.createDirectories(settings.outDir());
    String stem = FILE_TIME.format(started);
    Path json = settings.outDir().resolve(stem + ".json");
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(json.toFile(), toMap());
    Files.writeString(settings.outDir().resolve(stem + ".md"), markdown(), StandardCharsets.UTF_8);
    return json;
  }

  /** The tables: throughput, marginal CPU per rule, latency. */
  public String markdown() {
    StringBuilder md = new StringBuilder();
    md.append(String.format(Locale.ROOT,
        "Journeyflow bench, profile `%s`, %s, %d cores (load average %.1f at start, %.1f at end),"
            + " parallelism %d, checkpoints every %d ms%n%n",
        settings.profile(), started, Runtime.getRuntime().availableProcessors(), loadAtStart,
        loadAtEnd, settings.parallelism(), settings.checkpointInterval().toMillis()));
    md.append("| run | rules | customers | events | events/s | x baseline | CPU us/event |"
        + " JIT cores | state B/customer | checkpoints | ckpt avg/max ms"
        + " | last ckpt full / incr. |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Map<String, Object> r : throughput) {
      md.append(String.format(Locale.ROOT,
          "| %s%s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s/%s | %s / %s |%n",
          r.get("layout"), Boolean.TRUE.equals(r.get("completed")) ? "" : " (time limit)",
          r.get("rules"), num(r.get("customers")), num(r.get("eventsConsumed")),
          num(r.get("eventsPerSecond")), r.get("ratioToBaseline"), r.get("cpuMicrosPerEvent"),
          r.get("jitCoresUsed"),
          num(r.get("stateBytesPerCustomer")), r.get("checkpoints"),
          dash(r.get("checkpointAvgMillis")), dash(r.get("checkpointMaxMillis")),
          bytes(r.get("checkpointFullBytes")), bytes(r.get("checkpointIncrementalBytes"))));
    }
    if (!marginal.isEmpty()) {
      md.append("\n| layout | customers | rule counts | CPU us/event per added rule |"
          + " baseline CPU us/event |\n|---|---:|---|---:|---:|\n");
      for (Map<String, Object> m : marginal) {
        md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", m.get("layout"),
            num(m.get("customers")), m.get("ruleCounts"), dash(m.get("cpuMicrosPerEventPerRule")),
            dash(m.get("baselineCpuMicrosPerEvent"))));
      }
    }
    if (!latency.isEmpty()) {
      md.append("\n| latency run | rules | customers | events/s (target) | event-to-action"
          + " p50/p99/p99.9 ms, read_uncommitted | visible (read_committed) p50/p99/p99.9 ms |"
          + " samples |\n|---|---:|---:|---:|---:|---:|---:|\n");
      for (Map<String, Object> l : latency) {
        @SuppressWarnings("unchecked")
        Map<String, Object> u = (Map<String, Object>) l.get("readUncommitted");
        @SuppressWarnings("unchecked")
        Map<String, Object> c = (Map<String, Object>) l.get("readCommitted");
        md.append(String.format(Locale.ROOT,
            "| %s | %s | %s | %s (%s) | %s/%s/%s | %s/%s/%s | %s / %s |%n",
            l.get("layout"), l.get("rules"), num(l.get("customers")),
            num(l.get("producedEventsPerSecond")), num(l.get("targetEventsPerSecond")),
            dash(u.get("p50Millis")), dash(u.get("p99Millis")), dash(u.get("p999Millis")),
            dash(c.get("p50Millis")), dash(c.get("p99Millis")), dash(c.get("p999Millis")),
            u.get("samples"), c.get("samples")));
      }
      for (Map<String, Object> l : latency) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> samples = (List<Map<String, Object>>) l.get("stateOverTime");
        if (samples == null || samples.isEmpty()) {
          continue;
        }
        md.append("\nState per customer seen so far during the latency run (last checkpoint,"
            + " once a minute): ");
        List<String> points = new ArrayList<>();
        for (Map<String, Object> p : samples) {
          points.add(p.get("seconds") + " s: " + num(p.get("stateBytesPerCustomer")) + " B ("
              + num(p.get("customers")) + " customers)");
        }
        md.append(String.join("; ", points)).append(".\n");
      }
      for (Map<String, Object> l : latency) {
        md.append(slowestBuckets(l));
      }
    }
    return md.toString();
  }

  /** The latency run's slowest 10-second buckets, with what the process did in them. */
  static String slowestBuckets(Map<String, Object> run) {
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> buckets = (List<Map<String, Object>>) run.get("overTime");
    if (buckets == null || buckets.isEmpty()) {
      return "";
    }
    List<Map<String, Object>> slowest = new ArrayList<>();
    for (Map<String, Object> b : buckets) {
      if (b.get("p99Millis") != null) {
        slowest.add(b);
      }
    }
    slowest.sort((x, y) -> Long.compare(((Number) y.get("p99Millis")).longValue(),
        ((Number) x.get("p99Millis")).longValue()));
    List<String> points = new ArrayList<>();
    for (Map<String, Object> b : slowest.subList(0, Math.min(5, slowest.size()))) {
      points.add(String.format(Locale.ROOT, "from %s s: p99 %s ms, max %s, GC %s ms, %s"
              + " checkpoint(s)%s", b.get("fromSecond"), b.get("p99Millis"), b.get("maxMillis"),
          b.get("gcMillis"), b.get("checkpoints"), b.get("longestCheckpointMillis") == null
              ? "" : " (longest " + b.get("longestCheckpointMillis") + " ms, synchronous part "
                  + b.get("longestSyncMillis") + ", alignment " + b.get("longestAlignmentMillis")
                  + ")"));
    }
    return "\nSlowest 10-second parts of the latency run (read_uncommitted, by decision time;"
        + " all of them under overTime in the JSON): " + String.join("; ", points) + ".\n";
  }

  private static double load() {
    return Harness.round(
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        2);
  }

  private static String dash(Object o) {
    return o == null ? "-" : o.toString();
  }

  private static String num(Object o) {
    if (o == null) {
      return "-";
    }
    return String.format(Locale.ROOT, "%,d", ((Number) o).longValue());
  }

  private static String bytes(Object o) {
    if (o == null) {
      return "-";
    }
    double b = ((Number) o).doubleValue();
    if (b >= 1 << 20) {
      return String.format(Locale.ROOT, "%.1f MB", b / (1 << 20));
    }
    if (b >= 1 << 10) {
      return String.format(Locale.ROOT, "%.0f KB", b / (1 << 10));
    }
    return String.format(Locale.ROOT, "%.0f B", b);
  }
}
