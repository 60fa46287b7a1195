package io.journeyflow.jobs.analytics;

import static io.journeyflow.jobs.analytics.JourneyMetricsAggregate.*;

import io.journeyflow.patterns.HoldoutSpec;
import io.journeyflow.patterns.Rule;
import io.journeyflow.patterns.RuleSet;
import io.journeyflow.patterns.StepSpec;
import io.journeyflow.schema.HoldoutComparison;
import io.journeyflow.schema.JourneyMetrics;
import io.journeyflow.schema.StepCount;
import io.journeyflow.schema.internal.MetricsAccumulator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Turns one rule's counts of one window into its {@link JourneyMetrics} record. */
public final class JourneyMetricsWindow
    extends ProcessWindowFunction<MetricsAccumulator, JourneyMetrics, String, TimeWindow> {

  private final RuleSet rules;

  public JourneyMetricsWindow(RuleSet rules) {
    this.rules = rules;
  }

  @Override
  public void process(String ruleId, Context ctx, Iterable<MetricsAccumulator> counted,
      Collector<JourneyMetrics> out) {
    for (MetricsAccumulator acc : counted) {
      out.collect(metrics(rules.rule(ruleId), ruleId, acc, ctx.window().getStart(),
          ctx.window().getEnd()));
    }
  }

  /** Plain logic, for tests: the record of one rule's counts in [start, end). */
  public static JourneyMetrics metrics(Rule rule, String ruleId, MetricsAccumulator acc,
      long start, long end) {
    Map<String, Long> c = acc.getCounts();
    Map<String, Long> decisions = new TreeMap<>();
    c.forEach((k, v) -> {
      if (k.startsWith(DECISION_PREFIX)) {
        decisions.put(k.substring(DECISION_PREFIX.length()), v);
      }
    });
    long followedUp = get(c, FOLLOWED_UP);
    long repeated = get(c, REPEATED);
    Map<String, Long> buckets = acc.getResolutionBuckets();
    return JourneyMetrics.newBuilder()
        .setRuleId(ruleId)
        .setRuleVersion(rule != null ? rule.version() : acc.getRuleVersion())
        .setJourney(rule != null ? rule.journey()
            : acc.getJourney() == null ? "" : acc.getJourney())
        .setWindowStart(Instant.ofEpochMilli(start))
        .setWindowEnd(Instant.ofEpochMilli(end))
        .setEntered(get(c, ENTERED))
        .setBreakpoints(get(c, BREAKPOINTS))
        .setDecisions(decisions)
        .setResolved(get(c, RESOLVED))
        .setAbandoned(get(c, ABANDONED))
        .setResolutionCount(get(c, RESOLUTIONS))
        .setResolutionP50Millis(ResolutionHistogram.percentile(buckets, 0.5))
        .setResolutionP90Millis(ResolutionHistogram.percentile(buckets, 0.9))
        .setResolutionP99Millis(ResolutionHistogram.percentile(buckets, 0.99))
        .setActionsFollowedUp(followedUp)
        .setRepeatContacts(repeated)
        .setRepeatContactRate(followedUp == 0 ? null : (double) repeated / followedUp)
        .setStepsReached(steps(rule, c))
        .setHoldout(holdout(rule, c))
        .build();
  }

  private static List<StepCount> steps(Rule rule, Map<String, Long> c) {
    List<StepCount> steps = new ArrayList<>();
    if (rule == null) {
      return steps;
    }
    Long previous = null;
    for (StepSpec step : rule.steps()) {
      if (step.absent()) {
        continue; // nobody "reaches" an absence: the breakpoint count says it held
      }
      long reached = get(c, STEP_PREFIX + step.name());
      Double conversion = previous == null || previous == 0 ? null
          : (double) reached / previous;
      steps.add(new StepCount(step.name(), reached, conversion));
      previous = reached;
    }
    return steps;
  }

  private static HoldoutComparison holdout(Rule rule, Map<String, Long> c) {
    HoldoutSpec spec = rule == null ? null : rule.holdout();
    long treated = get(c, TREATED);
    long heldOut = get(c, HELD_OUT);
    if (spec == null && treated == 0 && heldOut == 0) {
      return null;
    }
    long treatedOutcome = get(c, TREATED_OUTCOME);
    long heldOutOutcome = get(c, HELD_OUT_OUTCOME);
    Lift lift = Lift.of(treated, treatedOutcome, heldOut, heldOutOutcome);
    return HoldoutComparison.newBuilder()
        .setHoldoutPercent(spec == null ? 0 : spec.percent())
        .setTreated(treated)
        .setTreatedWithOutcome(treatedOutcome)
        .setHeldOut(heldOut)
        .setHeldOutWithOutcome(heldOutOutcome)
        .setLift(lift == null ? null : lift.lift())
        .setLiftLow(lift == null ? null : lift.low())
        .setLiftHigh(lift == null ? null : lift.high())
        .setPValue(lift == null ? null : lift.pValue())
        .build();
  }

  private static long get(Map<String, Long> c, String key) {
    return c.getOrDefault(key, 0L);
  }
}
