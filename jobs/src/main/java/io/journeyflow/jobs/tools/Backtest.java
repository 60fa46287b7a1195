package io.journeyflow.jobs.tools;

import io.journeyflow.connectors.ConnectorTypes;
import io.journeyflow.connectors.InputFormat;
import io.journeyflow.connectors.JsonLinesFileSource;
import io.journeyflow.connectors.KafkaEventSource;
import io.journeyflow.jobs.JourneyflowJob;
import io.journeyflow.jobs.Uids;
import io.journeyflow.jobs.io.MemoryJobIO;
import io.journeyflow.patterns.Rule;
import io.journeyflow.patterns.RuleSet;
import io.journeyflow.schema.Action;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.DeadLetter;
import io.journeyflow.schema.Decision;
import io.journeyflow.schema.DecisionOutcome;
import io.journeyflow.schema.SuppressionSignal;
import io.journeyflow.schema.SuppressionState;
import io.journeyflow.schema.TriggeringEvent;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;

/**
 * Runs candidate rules over history (event files or a Kafka topic's time range) on a local
 * cluster, writing nothing to live topics, and reports what they would have done.
 */
public final class Backtest {

  /** Where history comes from: files, or a topic read between two timestamps. */
  public record Source(List<Path> files, String bootstrap, String topic, InputFormat format) {}

  /** What one rule would have done. */
  public record RuleReport(
      String ruleId,
      int version,
      long matches,
      Map<String, Long> actionsByOutcome,
      long deferredFirst,
      long customers,
      long suppressions,
      List<String> examples,
      Long added,
      Long removed) {}

  /** The whole backtest. */
  public record Report(
      long events, long deadLetters, double seconds, boolean compared, List<RuleReport> rules) {}

  private final Source source;
  private final Instant from;
  private final Instant to;
  private final int examples;
  private final Configuration base;
  private final PrintStream progress;

  public Backtest(Source source, Instant from, Instant to, int examples, Configuration base,
      PrintStream progress) {
    this.source = source;
    this.from = from;
    this.to = to;
    this.examples = examples;
    this.base = base;
    this.progress = progress;
  }

  /** Backtests {@code candidate}; with a {@code baseline}, also which actions change. */
  public Report run(RuleSet candidate, RuleSet baseline) throws Exception {
    long started = System.nanoTime();
    Outcome cand = execute(candidate, "candidate rules");
    Outcome base = baseline == null ? null : execute(baseline, "deployed rules");
    List<RuleReport> rules = new ArrayList<>();
    for (Rule rule : candidate.rules()) {
      rules.add(report(rule, cand, base));
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    return new Report(cand.events, cand.deadLetters, seconds, baseline != null, rules);
  }

  private RuleReport report(Rule rule, Outcome cand, Outcome base) {
    List<Decision> decisions = cand.decisions.stream()
        .filter(d -> d.getRuleId().equals(rule.id())).toList();
    Set<String> matches = new HashSet<>();
    Set<String> customers = new HashSet<>();
    Map<String, Long> outcomes = new TreeMap<>();
    // A deferred action has two decisions: count its final one, and that it waited.
    Map<String, Decision> finalDecision = new LinkedHashMap<>();
    long deferred = 0;
    for (Decision d : decisions) {
      matches.add(d.getCustomerId() + "|" + ids(d.getTriggeringEvents()));
      customers.add(d.getCustomerId());
      if (d.getOutcome() == DecisionOutcome.DEFERRED) {
        deferred++;
        finalDecision.putIfAbsent(d.getActionId(), d);
      } else {
        finalDecision.put(d.getActionId(), d);
      }
    }
    for (Decision d : finalDecision.values()) {
      String outcome = d.getOutcome().name() + (d.getReason() == null ? "" : ":" + d.getReason());
      outcomes.merge(outcome, 1L, Long::sum);
    }
    List<Action> actions = cand.actions.stream()
        .filter(a -> a.getRuleId().equals(rule.id())).toList();
    long suppressions = cand.signals.stream()
        .filter(s -> s.getRuleId().equals(rule.id()) && s.getState() == SuppressionState.SUPPRESS)
        .count();
    List<String> sample = actions.stream()
        .sorted(Comparator.comparing(Action::getDecidedAt).thenComparing(Action::getCustomerId))
        .map(Backtest::example).distinct().limit(examples).toList();
    Long added = null;
    Long removed = null;
    if (base != null) {
      Set<String> now = keys(cand.actions, rule.id());
      Set<String> before = keys(base.actions, rule.id());
      added = now.stream().filter(k -> !before.contains(k)).count();
      removed = before.stream().filter(k -> !now.contains(k)).count();
    }
    return new RuleReport(rule.id(), rule.version(), matches.size(), outcomes, deferred,
        customers.size(), suppressions, sample, added, removed);
  }

  private static Set<String> keys(List<Action> actions, String ruleId) {
    Set<String> keys = new HashSet<>();
    for (Action a : actions) {
      if (a.getRuleId().equals(ruleId)) {
        keys.add(a.getCustomerId() + "|" + a.getActionType() + "|"
            + ids(a.getTriggeringEvents()));
      }
    }
    return keys;
  }

  private static String ids(List<TriggeringEvent> events) {
    StringBuilder ids = new StringBuilder();
    for (TriggeringEvent t : events) {
      ids.append(t.getEventId()).append(',');
    }
    return ids.toString();
  }

  private static String example(Action a) {
    List<String> steps = new ArrayList<>();
    for (TriggeringEvent t : a.getTriggeringEvents()) {
      steps.add(t.getEventType() + "@" + t.getOccurredAt());
    }
    return a.getCustomerId() + ": " + String.join(" -> ", steps) + " => " + a.getActionType();
  }

  /** Actions, signals and counts of one local run. */
  private record Outcome(List<Action> actions, List<Decision> decisions,
      List<SuppressionSignal> signals, long events, long deadLetters) {}

  private Outcome execute(RuleSet rules, String what) throws Exception {
    Configuration conf = new Configuration(base);
    // History may be in any order: event time advances only at the end of the input.
    conf.set(PipelineOptions.AUTO_WATERMARK_INTERVAL, Duration.ZERO);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    Progress counter = new Progress();
    HistoryIO io = new HistoryIO(counter);
    new JourneyflowJob(conf, rules, io).build(env);
    long total = source.files().isEmpty() ? -1 : countLines(source.files());
    JobClient job = env.executeAsync("backtest " + what);
    long started = System.nanoTime();
    var result = job.getJobExecutionResult();
    while (true) {
      try {
        result.get(500, TimeUnit.MILLISECONDS);
        break;
      } catch (TimeoutException stillRunning) {
        double secs = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
        progress.print("\r" + what + " " + Progress.bar(counter.count(), total,
            counter.count() / secs));
        progress.flush();
      }
    }
    double secs = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
    progress.println("\r" + what + " " + Progress.bar(counter.count(), Math.max(total, 0),
        counter.count() / secs));
    Outcome outcome = new Outcome(io.actions.results(), io.decisions.results(),
        io.signals.results(), counter.count(), io.deadLetters.results().size());
    io.actions.clear();
    io.decisions.clear();
    io.signals.clear();
    io.deadLetters.clear();
    return outcome;
  }

  private static long countLines(List<Path> files) throws IOException {
    long n = 0;
    for (Path f : files) {
      try (Stream<String> lines = Files.lines(f)) {
        n += lines.filter(l -> !l.isBlank()).count();
      }
    }
    return n;
  }

  /** History in, outputs kept in memory: a backtest never writes to a topic. */
  private final class HistoryIO extends MemoryJobIO {
    private final Progress counter;

    HistoryIO(Progress counter) {
      super(List.of());
      this.counter = counter;
    }

    @Override
    public DataStream<Either<DeadLetter, CustomerEvent>> events(
        StreamExecutionEnvironment env, WatermarkStrategy<Either<DeadLetter, CustomerEvent>> wm) {
      DataStream<Either<DeadLetter, CustomerEvent>> in = null;
      if (source.files().isEmpty()) {
        in = env.fromSource(KafkaEventSource.range(source.bootstrap(), List.of(source.topic()),
                source.format(), from.toEpochMilli(), to.toEpochMilli()), wm,
            "history " + source.topic())
            .uid(Uids.SOURCE_EVENTS);
      } else {
        for (Path file : source.files()) {
          DataStream<Either<DeadLetter, CustomerEvent>> s =
              env.fromSource(JsonLinesFileSource.build(file), wm, "history " + file);
          in = in == null ? s : in.union(s);
        }
      }
      return in.map(counter, ConnectorTypes.decodedType()).name("count")
          .filter(new EventTimeRange(from.toEpochMilli(), to.toEpochMilli()))
          .name("time range");
    }
  }

  /** Prints the report as a table with example matches. */
  public static void print(Report r, PrintStream out) {
    out.printf("%nBacktest over %,d event(s) (%,d rejected as dead letters) in %.1f s%n%n",
        r.events(), r.deadLetters(), r.seconds());
    String header = String.format("%-42s %8s %8s %8s %10s %10s", "rule", "matches",
        "decided", "sent", "customers", "suppress");
    out.println(header + (r.compared() ? String.format(" %8s %8s", "added", "removed") : ""));
    out.println("-".repeat(header.length() + (r.compared() ? 18 : 0)));
    for (RuleReport rule : r.rules()) {
      long decided = rule.actionsByOutcome().values().stream().mapToLong(Long::longValue).sum();
      out.printf("%-42s %8d %8d %8d %10d %10d", rule.ruleId() + " v" + rule.version(),
          rule.matches(), decided, rule.actionsByOutcome().getOrDefault("SENT", 0L),
          rule.customers(), rule.suppressions());
      if (r.compared()) {
        out.printf(" %8d %8d", rule.added(), rule.removed());
      }
      out.println();
    }
    for (RuleReport rule : r.rules()) {
      if (!rule.actionsByOutcome().isEmpty()) {
        out.printf("%n%s: actions by outcome %s%s; examples:%n", rule.ruleId(),
            new LinkedHashMap<>(rule.actionsByOutcome()), rule.deferredFirst() == 0 ? ""
                : " (" + rule.deferredFirst() + " deferred by quiet hours first)");
        rule.examples().forEach(e -> out.println("  " + e));
      }
    }
  }
}
