package io.journeyflow.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Entry point of {@code scripts/bench}: picks a profile, applies overrides, runs, reports. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Journeyflow benchmark: baseline, full job and naive layout on one machine.")
public final class BenchMain implements Callable<Integer> {

  @Option(names = "--profile", defaultValue = "quick",
      description = "quick (about 2 minutes on 2 cores), full (the whole matrix), smoke (seconds)")
  String profile;

  @Option(names = "--customers", split = ",", description = "Customer counts M, e.g. 10000,100000")
  List<Integer> customers;

  @Option(names = "--rules", split = ",",
      description = "Rule counts N of the full job, e.g. 1,5,20")
  List<Integer> rules;

  @Option(names = "--naive-rules", split = ",",
      description = "Rule counts of the naive layout (0 for none)")
  List<Integer> naiveRules;

  @Option(names = "--fast-rules", split = ",",
      description = "Rule counts of the full job with journeyflow.rules.fast-path on")
  List<Integer> fastRules;

  @Option(names = "--identity-rules", split = ",",
      description = "Rule counts of the full job with journeyflow.identity.resolution on")
  List<Integer> identityRules;

  @Option(names = "--events", description = "Events per data set")
  Long events;

  @Option(names = "--duration",
      description = "Time limit of one throughput run (ISO-8601, e.g. PT30S)")
  Duration duration;

  @Option(names = "--latency-rules", description = "Rule count of the latency run (0: none)")
  Integer latencyRules;

  @Option(names = "--latency-duration", description = "Measured time of the latency run")
  Duration latencyDuration;

  @Option(names = "--checkpoint-interval", description = "Checkpoint interval of every run")
  Duration checkpointInterval;

  @Option(names = "--out-of-orderness", description = "Watermark bound of the job")
  Duration outOfOrderness;

  @Option(names = "--watermark-interval",
      description = "How often sources emit watermarks (default PT0.2S, Flink's default)")
  Duration watermarkInterval;

  @Option(names = "--buffer-timeout",
      description = "How long a network buffer may wait to fill (default PT0.1S, Flink's)")
  Duration bufferTimeout;

  @Option(names = "--latency-rate",
      description = "Events/s of the latency run (default: 70% of the full job's maximum)")
  Long latencyRate;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "A Flink or Journeyflow option for every run, baseline included (repeatable)")
  Map<String, String> extraConfig;

  @Option(names = "--parallelism", description = "Job parallelism (default 2)")
  Integer parallelism;

  @Option(names = "--managed-memory",
      description = "Flink managed memory for RocksDB (default 512m)")
  String managedMemory;

  @Option(names = "--seed", defaultValue = "42", description = "Generator seed")
  long seed;

  @Option(names = "--zipf", defaultValue = "1.0",
      description = "Zipf exponent of customer activity")
  double zipf;

  @Option(names = "--story-share", defaultValue = "0.02",
      description = "Fraction of events that begin a story completing a rule")
  double storyShare;

  @Option(names = "--bootstrap", description = "Use this Kafka broker instead of an in-JVM one")
  String bootstrap;

  @Option(names = "--write-events", description = "Also write the first data set as JSON lines")
  Path eventsFile;

  @Option(names = "--no-warmup", description = "Skip the discarded JIT warm-up runs")
  boolean noWarmup;

  @Option(names = "--warmup", description = "Longest warm-up (ISO-8601; quick PT30S, full PT3M)")
  Duration warmup;

  @Option(names = "--out", defaultValue = "${env:JF_BENCH_OUT:-bench/results}",
      description = "Results directory (default: bench/results of the checkout)")
  Path out;

  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchMain()).execute(args));
  }

  /** The settings of a profile before overrides. */
  static BenchSettings profile(String name, Path out) {
    return switch (name) {
      case "quick" -> new BenchSettings("quick", List.of(10_000), List.of(1, 5, 20), List.of(5),
          100_000, Duration.ofSeconds(12), 5, Duration.ofSeconds(12), Duration.ofSeconds(3),
          Duration.ofSeconds(5), Duration.ofSeconds(2), 2, "512m", Duration.ofSeconds(30), 42,
          1.0, 0.02, null,
          out, null, List.of(), List.of(), Duration.ofMillis(200),
          Duration.ofMillis(100), 0, Map.of());
      case "full" -> new BenchSettings("full", List.of(10_000, 100_000, 1_000_000),
          List.of(1, 5, 20, 50), List.of(1, 5, 20), 3_000_000, Duration.ofMinutes(5), 20,
          Duration.ofSeconds(60), Duration.ofSeconds(10), Duration.ofSeconds(10),
          Duration.ofSeconds(2), 2, "1g", Duration.ofMinutes(3), 42, 1.0, 0.02, null, out, null,
          List.of(),
          List.of(), Duration.ofMillis(200),
          Duration.ofMillis(100), 0, Map.of());
      case "smoke" -> new BenchSettings("smoke", List.of(2_000), List.of(1), List.of(1), 3_000,
          Duration.ofSeconds(20), 1, Duration.ofMillis(1500), Duration.ofMillis(500),
          Duration.ofMillis(500), Duration.ofMillis(500), 1, "128m", Duration.ZERO, 42, 1.0, 0.05,
          null,
          out, null, List.of(), List.of(), Duration.ofMillis(200),
          Duration.ofMillis(100), 0, Map.of());
      default -> throw new CommandLine.ParameterException(
          new CommandLine(new BenchMain()), "unknown profile '" + name + "': quick, full, smoke");
    };
  }

  BenchSettings settings() {
    BenchSettings p = profile(profile, out);
    return new BenchSettings(
        customers != null || rules != null || naiveRules != null || events != null
            || fastRules != null || identityRules != null
            ? p.profile() + "+overrides" : p.profile(),
        customers != null ? customers : p.customers(),
        rules != null ? rules.stream().filter(n -> n > 0).toList() : p.rules(),
        naiveRules != null ? naiveRules.stream().filter(n -> n > 0).toList() : p.naiveRules(),
        events != null ? events : p.events(),
        duration != null ? duration : p.maxRunTime(),
        latencyRules != null ? latencyRules : p.latencyRules(),
        latencyDuration != null ? latencyDuration : p.latencyTime(),
        p.latencyWarmup(),
        checkpointInterval != null ? checkpointInterval : p.checkpointInterval(),
        outOfOrderness != null ? outOfOrderness : p.outOfOrderness(),
        parallelism != null ? parallelism : p.parallelism(),
        managedMemory != null ? managedMemory : p.managedMemory(),
        noWarmup ? Duration.ZERO : warmup != null ? warmup : p.warmup(),
        seed,
        zipf,
        storyShare,
        bootstrap,
        out,
        eventsFile,
        fastRules != null ? fastRules.stream().filter(n -> n > 0).toList() : p.fastRules(),
        identityRules != null ? identityRules.stream().filter(n -> n > 0).toList()
            : p.identityRules(),
        watermarkInterval != null ? watermarkInterval : p.watermarkInterval(),
        bufferTimeout != null ? bufferTimeout : p.bufferTimeout(),
        latencyRate != null ? latencyRate : p.latencyRate(),
        extraConfig != null ? extraConfig : p.extraConfig());
  }

  @Override
  public Integer call() throws Exception {
    BenchSettings settings = settings();
    PrintStream log = System.err;
    Report report;
    try (Harness harness = new Harness(settings, log)) {
      report = harness.run();
    }
    Path json = report.write();
    System.out.println(report.markdown());
    System.out.println("Results: " + json + " (and " + json.getFileName().toString()
        .replace(".json", ".md") + "); see docs/performance.md for how to read them.");
    return 0;
  }
}
