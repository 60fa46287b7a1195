package io.journeyflow.jobs.operators;

import io.journeyflow.connectors.UnchangedAvroTypeInfo;
import io.journeyflow.jobs.Uids;
import io.journeyflow.patterns.Rule;
import io.journeyflow.patterns.RuleCompiler;
import io.journeyflow.patterns.RuleSet;
import io.journeyflow.patterns.StepSpec;
import io.journeyflow.patterns.engine.FastRule;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.internal.RuleMatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.cep.CEP;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;

/**
 * Events in, matches out, for the whole rule set: the one place that knows how rules are
 * evaluated. Today each rule is its own event-time Flink CEP operator on the customer-keyed
 * stream; a faster layout can replace this class without touching the rest of the graph.
 *
 * <p>A rule whose steps all follow each other with relaxed contiguity only ever looks at events
 * of the types it names (its conditions see only events it matched), so its operator is fed
 * just those types: other events never enter its buffers. A rule with strict contiguity must
 * see every event of the customer, because any other event breaks "the very next event".
 *
 * <p>With the fast path on ({@code journeyflow.rules.fast-path}), every rule the fast engine
 * supports ({@link FastRule#compile}) runs in one {@link FastRuleFunction} instead; the others
 * keep their CEP operators.
 */
public final class RuleEvaluationStage {

  private final RuleSet rules;
  private final CustomerKeys keys;
  private final boolean routeByType;
  private final boolean fastPath;
  private int heapBufferLimit = HeapTimeBuffer.DEFAULT_LIMIT;
  private Duration farTimerBucket = Duration.ofMillis(FarTimers.DEFAULT_BUCKET);

  public RuleEvaluationStage(RuleSet rules, CustomerKeys keys) {
    this(rules, keys, true);
  }

  public RuleEvaluationStage(RuleSet rules, CustomerKeys keys, boolean routeByType) {
    this(rules, keys, routeByType, false);
  }

  /**
   * {@code routeByType} false gives the naive layout, every rule's CEP operator fed every
   * event: a reference for benchmarks, never faster.
   */
  public RuleEvaluationStage(RuleSet rules, CustomerKeys keys, boolean routeByType,
      boolean fastPath) {
    this.rules = rules;
    this.keys = keys;
    this.routeByType = routeByType;
    this.fastPath = fastPath;
  }

  /** At most {@code limit} events wait on the heap per subtask of the fast engine. */
  public RuleEvaluationStage withHeapBuffer(int limit) {
    this.heapBufferLimit = limit;
    return this;
  }

  /** The fast engine's timers due more than one to two {@code bucket}s ahead wait in state. */
  public RuleEvaluationStage withFarTimers(Duration bucket) {
    this.farTimerBucket = bucket;
    return this;
  }

  /** Matches of all rules, each stamped with its event time, partitioned like the input. */
  public DataStream<RuleMatch> apply(KeyedStream<CustomerEvent, String> events) {
    if (rules.rules().isEmpty()) {
      throw new IllegalArgumentException("the rule set is empty: nothing to evaluate");
    }
    AvroTypeInfo<RuleMatch> matchType = new UnchangedAvroTypeInfo<>(RuleMatch.class);
    DataStream<RuleMatch> all = null;
    List<FastRule> fast = new ArrayList<>();
    for (Rule rule : rules.rules()) {
      Optional<FastRule> compiled = fastPath ? FastRule.compile(rule) : Optional.empty();
      if (compiled.isPresent()) {
        fast.add(compiled.get());
        continue;
      }
      String uid = Uids.rule(rule.id(), rule.version());
      DataStream<RuleMatch> matches =
          CEP.pattern(input(events, rule), RuleCompiler.compile(rule), new EventOrder())
              .inEventTime()
              .process(new RuleMatchEmitter(rule, keys), matchType)
              .uid(uid)
              .name("rule " + rule.id() + " v" + rule.version());
      all = all == null ? matches : all.union(matches);
    }
    if (!fast.isEmpty()) {
      DataStream<RuleMatch> matches = events
          .transform("rules (fast engine): " + fast.size(), matchType,
              new FastRuleOperator(
                  new FastRuleFunction(fast, keys).withHeapBuffer(heapBufferLimit))
                  .withFarTimers(farTimerBucket))
          .uid(Uids.FAST_RULES);
      all = all == null ? matches : all.union(matches);
    }
    return all;
  }

  private KeyedStream<CustomerEvent, String> input(
      KeyedStream<CustomerEvent, String> events, Rule rule) {
    if (!routeByType || !onlyRelaxed(rule)) {
      return events;
    }
    Set<String> types = new HashSet<>();
    rule.steps().forEach(step -> types.addAll(step.eventTypes()));
    // Filtered as a plain stream (the same partitions): on the keyed stream the filter would
    // get a keyed state backend of its own, an empty RocksDB instance that every checkpoint's
    // synchronous part still snapshots.
    DataStream<CustomerEvent> routed =
        new DataStream<>(events.getExecutionEnvironment(), events.getTransformation())
            .filter(new RuleEventTypes(types))
            .uid(Uids.route(rule.id(), rule.version()))
            .name("route to " + rule.id());
    // Filtering keeps the partitioning: no shuffle.
    return DataStreamUtils.reinterpretAsKeyedStream(routed, keys, Types.STRING);
  }

  static boolean onlyRelaxed(Rule rule) {
    for (StepSpec step : rule.steps()) {
      if (step.contiguity() == StepSpec.Contiguity.STRICT) {
        return false;
      }
    }
    return true;
  }
}
