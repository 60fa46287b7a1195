package io.journeyflow.jobs.operators;

import io.journeyflow.patterns.MatchOrder;
import io.journeyflow.patterns.Rule;
import io.journeyflow.patterns.StepSpec;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.internal.MatchedEvent;
import io.journeyflow.schema.internal.RuleMatch;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;

/** Turns one CEP match of one rule into a {@link RuleMatch} for the decision stage. */
public final class RuleMatchEmitter extends PatternProcessFunction<CustomerEvent, RuleMatch> {

  private final Rule rule;
  private final CustomerKeys keys;
  private transient Counter matches;

  public RuleMatchEmitter(Rule rule, CustomerKeys keys) {
    this.rule = rule;
    this.keys = keys;
  }

  /**
   * When the match happened in event time: its last event, or for a rule that ends with an
   * absence, the end of the window that passed without the absent event. Not CEP's record
   * timestamp, which for a timeout is whatever watermark revealed it (at the end of a bounded
   * input, the maximum watermark).
   */
  static Instant matchedAt(Rule rule, List<MatchedEvent> events) {
    List<StepSpec> steps = rule.steps();
    if (steps.get(steps.size() - 1).absent() && rule.within() != null) {
      return events.get(0).getEvent().getOccurredAt().plus(rule.within());
    }
    Instant last = Instant.MIN;
    for (MatchedEvent m : events) {
      Instant t = m.getEvent().getOccurredAt();
      last = t.isAfter(last) ? t : last;
    }
    return last;
  }

  @Override
  public void open(OpenContext openContext) {
    matches = JobMetrics.group(getRuntimeContext()).addGroup("rule", rule.id())
        .counter(JobMetrics.MATCHES);
  }

  @Override
  public void processMatch(
      Map<String, List<CustomerEvent>> match, Context ctx, Collector<RuleMatch> out) {
    List<MatchedEvent> events = MatchOrder.order(rule, match);
    matches.inc();
    out.collect(
        RuleMatch.newBuilder()
            .setCustomerId(keys.getKey(events.get(0).getEvent()))
            .setRuleId(rule.id())
            .setRuleVersion(rule.version())
            .setMatchedAt(matchedAt(rule, events))
            .setEvents(events)
            .build());
  }
}
