package io.journeyflow.jobs.operators;

import io.journeyflow.patterns.MatchOrder;
import io.journeyflow.patterns.Rule;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.internal.MatchedEvent;
import io.journeyflow.schema.internal.RuleMatch;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.util.Collector;

/** Turns one CEP match of one rule into a {@link RuleMatch} for the decision stage. */
public final class RuleMatchEmitter extends PatternProcessFunction<CustomerEvent, RuleMatch> {

  private final Rule rule;
  private final CustomerKeys keys;

  public RuleMatchEmitter(Rule rule, CustomerKeys keys) {
    this.rule = rule;
    this.keys = keys;
  }

  @Override
  public void processMatch(
      Map<String, List<CustomerEvent>> match, Context ctx, Collector<RuleMatch> out) {
    List<MatchedEvent> events = MatchOrder.order(rule, match);
    out.collect(
        RuleMatch.newBuilder()
            .setCustomerId(keys.getKey(events.get(0).getEvent()))
            .setRuleId(rule.id())
            .setRuleVersion(rule.version())
            // CEP stamps a match with the time of the event or watermark that completed it,
            // which for an absence rule is the end of its window.
            .setMatchedAt(Instant.ofEpochMilli(ctx.timestamp()))
            .setEvents(events)
            .build());
  }
}
