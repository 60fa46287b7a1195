package io.journeyflow.bench.jmh;

import io.journeyflow.bench.EventGenerator;
import io.journeyflow.bench.RuleTemplates;
import io.journeyflow.jobs.operators.CustomerKeys;
import io.journeyflow.jobs.operators.EventOrder;
import io.journeyflow.jobs.operators.FastRuleFunction;
import io.journeyflow.jobs.operators.FastRuleOperator;
import io.journeyflow.jobs.operators.RuleMatchEmitter;
import io.journeyflow.patterns.Rule;
import io.journeyflow.patterns.RuleCompiler;
import io.journeyflow.patterns.RuleSet;
import io.journeyflow.patterns.StepSpec;
import io.journeyflow.patterns.engine.FastRule;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.internal.RuleMatch;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.cep.nfa.compiler.NFACompiler;
import org.apache.flink.cep.operator.CepOperator;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Rule evaluation per event, as the job's rule stage does it: one event-time Flink CEP operator
 * per rule (the job's compiled pattern, {@link EventOrder}, {@link RuleMatchEmitter}), an event
 * handed only to the rules that name its type (relaxed-contiguity rules) or to all (strict
 * ones), watermarks every 64 events. Generator traffic over 10k customers; heap or RocksDB
 * keyed state. The score is the time per input event for the whole rule set.
 *
 * <p>{@code engine=fast}: the rules the fast engine supports run in the job's one
 * {@link FastRuleFunction} operator instead (journeyflow.rules.fast-path), the rest on CEP.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/java.util=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED"})
public class RuleEvaluationBenchmark {

  private static final int N = 1 << 14;

  @Param({"1", "5", "20"})
  public int rules;

  @Param({"heap", "rocksdb"})
  public String backend;

  @Param({"cep", "fast"})
  public String engine;

  private final List<KeyedOneInputStreamOperatorTestHarness<String, CustomerEvent, RuleMatch>>
      harnesses = new ArrayList<>();
  private final List<Set<String>> routes = new ArrayList<>(); // null: every event
  private final CustomerEvent[] events = new CustomerEvent[N];
  private long now = 1_700_000_000_000L;
  private int i;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    RuleSet ruleSet = RuleTemplates.generate(rules, Files.createTempDirectory("jmh-rules"));
    CustomerKeys keys = new CustomerKeys(List.of(CustomerKeys.CUSTOMER_ID));
    List<FastRule> fast = new ArrayList<>();
    for (Rule rule : ruleSet.rules()) {
      Optional<FastRule> compiled = "fast".equals(engine) ? FastRule.compile(rule)
          : Optional.empty();
      if (compiled.isPresent()) {
        fast.add(compiled.get());
        continue;
      }
      Pattern<CustomerEvent, CustomerEvent> pattern = RuleCompiler.compile(rule);
      RuleMatchEmitter emitter = new RuleMatchEmitter(rule, keys);
      CepOperator<CustomerEvent, String, RuleMatch> operator =
          new CepOperator<>(
              new AvroTypeInfo<>(CustomerEvent.class).createSerializer(new SerializerConfigImpl()),
              false,
              // RuleMatchEmitter handles no timed-out partial matches (as in the job).
              NFACompiler.compileFactory(pattern, false),
              new EventOrder(),
              pattern.getAfterMatchSkipStrategy(),
              emitter,
              null);
      KeyedOneInputStreamOperatorTestHarness<String, CustomerEvent, RuleMatch> harness =
          new KeyedOneInputStreamOperatorTestHarness<>(operator, keys, Types.STRING);
      harness.setStateBackend(Backends.of(backend));
      harness.open();
      harnesses.add(harness);
      routes.add(relaxed(rule) ? types(rule) : null);
    }
    if (!fast.isEmpty()) {
      var harness = new KeyedOneInputStreamOperatorTestHarness<>(
          new FastRuleOperator(new FastRuleFunction(fast, keys)), keys, Types.STRING);
      harness.setStateBackend(Backends.of(backend));
      harness.open();
      harnesses.add(harness);
      // The function filters by type itself, before touching state.
      routes.add(null);
    }
    EventGenerator generator = new EventGenerator(42, 10_000, 1.0, 0.02, ruleSet);
    for (int k = 0; k < N; k++) {
      events[k] = generator.next(now + 50L * k);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    for (var harness : harnesses) {
      harness.close();
    }
  }

  @Benchmark
  public int event() throws Exception {
    now += 50;
    // A copy with a fresh event time: the operators keep the events they buffer.
    CustomerEvent event = CustomerEvent.newBuilder(events[i++ & (N - 1)])
        .setOccurredAt(Instant.ofEpochMilli(now))
        .build();
    int fed = 0;
    for (int r = 0; r < harnesses.size(); r++) {
      Set<String> route = routes.get(r);
      if (route == null || route.contains(event.getEventType())) {
        harnesses.get(r).processElement(event, now);
        fed++;
      }
    }
    if ((i & 63) == 0) {
      for (var harness : harnesses) {
        harness.processWatermark(now - 2_000);
        harness.getOutput().clear();
      }
    }
    return fed;
  }

  private static boolean relaxed(Rule rule) {
    for (StepSpec step : rule.steps()) {
      if (step.contiguity() == StepSpec.Contiguity.STRICT) {
        return false;
      }
    }
    return true;
  }

  private static Set<String> types(Rule rule) {
    Set<String> types = new HashSet<>();
    rule.steps().forEach(step -> types.addAll(step.eventTypes()));
    return types;
  }
}
