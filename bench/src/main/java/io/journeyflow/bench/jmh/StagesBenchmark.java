package io.journeyflow.bench.jmh;

import io.journeyflow.bench.EventGenerator;
import io.journeyflow.bench.RuleTemplates;
import io.journeyflow.jobs.analytics.FactCounts;
import io.journeyflow.jobs.config.JobOptions;
import io.journeyflow.jobs.decisions.DecisionEngine;
import io.journeyflow.jobs.decisions.PolicyLoader;
import io.journeyflow.jobs.operators.CustomerKeys;
import io.journeyflow.jobs.operators.FastRuleFunction;
import io.journeyflow.jobs.operators.FastRuleOperator;
import io.journeyflow.jobs.operators.JourneyFunction;
import io.journeyflow.jobs.operators.JourneyInputs;
import io.journeyflow.jobs.operators.JourneyOperator;
import io.journeyflow.jobs.operators.JourneySettings;
import io.journeyflow.patterns.Rule;
import io.journeyflow.patterns.RuleSet;
import io.journeyflow.patterns.engine.FastRule;
import io.journeyflow.schema.Action;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.Decision;
import io.journeyflow.schema.ErasureConfirmation;
import io.journeyflow.schema.SuppressionSignal;
import io.journeyflow.schema.internal.JourneyFact;
import io.journeyflow.schema.internal.RuleMatch;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.types.Either;
import org.apache.flink.util.OutputTag;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The job's two rule-dependent stages alone, each replaying {@value #N} generator events
 * (of 2,000, 200 or 20 customers) into a fresh operator on RocksDB per invocation; the score is
 * the time per input event. {@code rules}: the fast rule engine's operator ("rules (fast
 * engine)"), fed every event, watermarks every 64 events. {@code decisions}: the "decide
 * actions and suppressions" operator with the bundled policies and default settings, fed the
 * events and the rules' matches (computed once in the setup) in the order the job feeds them:
 * events as they come, matches once the watermark passes them. Unlike
 * {@link RuleEvaluationBenchmark}, whose state grows over the whole run, every invocation
 * measures the same work.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 8)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/java.util=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED"})
public class StagesBenchmark {

  private static final int N = 1 << 14;
  private static final long START = 1_700_000_000_000L;

  @Param({"5", "20"})
  public int rules;

  @Param({"rocksdb"})
  public String backend;

  /**
   * 2,000: about 8 events per customer. 200: about 80. 20: about 800, the busiest customer
   * about 4,000, so it holds thousands of partial matches of the rules triggered by busy types,
   * as over a long run of the job.
   */
  @Param({"2000", "200", "20"})
  public int customers;

  /** Events (Either), matches (Either) and watermarks (Long), in the order the job sees them. */
  private final List<Object> inputs = new ArrayList<>();
  private final List<CustomerEvent> events = new ArrayList<>();
  private RuleSet ruleSet;
  private List<FastRule> fast;
  private KeyedTwoInputStreamOperatorTestHarness<String, Either<CustomerEvent, RuleMatch>,
      String, Action> harness;
  private KeyedOneInputStreamOperatorTestHarness<String, CustomerEvent, RuleMatch> matcher;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    ruleSet = RuleTemplates.generate(rules, Files.createTempDirectory("jmh-rules"));
    fast = new ArrayList<>();
    for (Rule rule : ruleSet.rules()) {
      FastRule.compile(rule).ifPresent(fast::add); // the generated rules all compile
    }
    EventGenerator generator = new EventGenerator(42, customers, 1.0, 0.02, ruleSet);
    for (int k = 0; k < N; k++) {
      events.add(generator.next(START + 50L * k));
    }
    try (var heapMatcher = matcher()) {
      heapMatcher.open();
      int matches = replayRules(heapMatcher, inputs);
      System.out.printf("%n%d rules, %d customers: %d events, %d matches%n", rules, customers,
          N, matches);
    }
  }

  private KeyedOneInputStreamOperatorTestHarness<String, CustomerEvent, RuleMatch> matcher()
      throws Exception {
    CustomerKeys keys = new CustomerKeys(List.of(CustomerKeys.CUSTOMER_ID));
    return new KeyedOneInputStreamOperatorTestHarness<>(
        new FastRuleOperator(new FastRuleFunction(fast, keys)), keys, Types.STRING);
  }

  /**
   * Feeds the events to a rule operator, a watermark every 64 events, and returns the number of
   * matches. With {@code journeyInputs}, also records what the decision operator is fed: each
   * event, and at each watermark the matches it released, then the watermark.
   */
  private int replayRules(KeyedOneInputStreamOperatorTestHarness<String, CustomerEvent,
      RuleMatch> matcher, List<Object> journeyInputs) throws Exception {
    int matches = 0;
    for (int k = 0; k < N; k++) {
      CustomerEvent event = events.get(k);
      long now = event.getOccurredAt().toEpochMilli();
      matcher.processElement(event, now);
      if (journeyInputs != null) {
        journeyInputs.add(Either.<CustomerEvent, RuleMatch>Left(event));
      }
      if ((k & 63) == 63 || k == N - 1) {
        long watermark = k == N - 1 ? Long.MAX_VALUE : now - 2_000;
        matcher.processWatermark(watermark);
        for (Object out : matcher.getOutput()) {
          if (out instanceof StreamRecord<?> record) {
            matches++;
            if (journeyInputs != null) {
              journeyInputs.add(
                  Either.<CustomerEvent, RuleMatch>Right((RuleMatch) record.getValue()));
            }
          }
        }
        matcher.getOutput().clear();
        if (journeyInputs != null) {
          journeyInputs.add(watermark);
        }
      }
    }
    return matches;
  }

  @Setup(Level.Invocation)
  public void freshOperator() throws Exception {
    JourneyFunction function = new JourneyFunction(ruleSet,
        new DecisionEngine(PolicyLoader.loadDefault()),
        new OutputTag<>("suppressions", new AvroTypeInfo<>(SuppressionSignal.class)),
        new OutputTag<>("decisions", new AvroTypeInfo<>(Decision.class)),
        new OutputTag<>("erasures", new AvroTypeInfo<>(ErasureConfirmation.class)),
        new OutputTag<>("facts", new AvroTypeInfo<>(JourneyFact.class)),
        JourneySettings.from(new Configuration()));
    // As in the job: facts leave counted per rule and analytics window.
    JourneyOperator operator = new JourneyOperator(function).countingFacts(
        new OutputTag<>("fact-counts", FactCounts.type()),
        new Configuration().get(JobOptions.ANALYTICS_WINDOW));
    harness = new KeyedTwoInputStreamOperatorTestHarness<>(operator,
        new JourneyInputs.Customer(new CustomerKeys(List.of(CustomerKeys.CUSTOMER_ID))), null,
        Types.STRING);
    harness.setStateBackend(Backends.of(backend));
    harness.open();
    matcher = matcher();
    matcher.setStateBackend(Backends.of(backend));
    matcher.open();
  }

  @TearDown(Level.Invocation)
  public void closeOperator() throws Exception {
    harness.close();
    matcher.close();
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public int rules() throws Exception {
    return replayRules(matcher, null);
  }

  @Benchmark
  @OperationsPerInvocation(N)
  @SuppressWarnings("unchecked")
  public int decisions() throws Exception {
    int outputs = 0;
    for (Object input : inputs) {
      if (input instanceof Long watermark) {
        harness.processBothWatermarks(
            new org.apache.flink.streaming.api.watermark.Watermark(watermark));
        outputs += harness.getOutput().size();
        harness.getOutput().clear();
      } else {
        Either<CustomerEvent, RuleMatch> value = (Either<CustomerEvent, RuleMatch>) input;
        long timestamp = value.isLeft() ? value.left().getOccurredAt().toEpochMilli()
            : value.right().getMatchedAt().toEpochMilli();
        harness.processElement1(new StreamRecord<>(value, timestamp));
      }
    }
    return outputs;
  }
}
