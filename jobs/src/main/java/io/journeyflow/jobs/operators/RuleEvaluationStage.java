package io.journeyflow.jobs.operators;

import io.journeyflow.jobs.Uids;
import io.journeyflow.patterns.Rule;
import io.journeyflow.patterns.RuleCompiler;
import io.journeyflow.patterns.RuleSet;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.internal.RuleMatch;
import org.apache.flink.cep.CEP;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;

/**
 * Events in, matches out, for the whole rule set: the one place that knows how rules are
 * evaluated. Today each rule is its own event-time Flink CEP operator on the customer-keyed
 * stream; a faster layout can replace this class without touching the rest of the graph.
 */
public final class RuleEvaluationStage {

  private final RuleSet rules;
  private final CustomerKeys keys;

  public RuleEvaluationStage(RuleSet rules, CustomerKeys keys) {
    this.rules = rules;
    this.keys = keys;
  }

  /** Matches of all rules, each stamped with its event time, partitioned like the input. */
  public DataStream<RuleMatch> apply(KeyedStream<CustomerEvent, String> events) {
    if (rules.rules().isEmpty()) {
      throw new IllegalArgumentException("the rule set is empty: nothing to evaluate");
    }
    AvroTypeInfo<RuleMatch> matchType = new AvroTypeInfo<>(RuleMatch.class);
    DataStream<RuleMatch> all = null;
    for (Rule rule : rules.rules()) {
      String uid = Uids.rule(rule.id(), rule.version());
      DataStream<RuleMatch> matches =
          CEP.pattern(events, RuleCompiler.compile(rule), new EventOrder())
              .inEventTime()
              .process(new RuleMatchEmitter(rule, keys), matchType)
              .uid(uid)
              .name("rule " + rule.id() + " v" + rule.version());
      all = all == null ? matches : all.union(matches);
    }
    return all;
  }
}
