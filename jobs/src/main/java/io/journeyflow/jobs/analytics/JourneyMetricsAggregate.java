package io.journeyflow.jobs.analytics;

import io.journeyflow.schema.internal.JourneyFact;
import io.journeyflow.schema.internal.MetricsAccumulator;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.AggregateFunction;

/** Counts one rule's journey facts in a window; {@link JourneyMetricsWindow} reports them. */
public final class JourneyMetricsAggregate
    implements AggregateFunction<JourneyFact, MetricsAccumulator, MetricsAccumulator> {

  static final String ENTERED = "entered";
  static final String BREAKPOINTS = "breakpoints";
  static final String RESOLVED = "resolved";
  static final String ABANDONED = "abandoned";
  static final String RESOLUTIONS = "resolutions";
  static final String FOLLOWED_UP = "followedUp";
  static final String REPEATED = "repeatContacts";
  static final String TREATED = "treated";
  static final String TREATED_OUTCOME = "treatedWithOutcome";
  static final String HELD_OUT = "heldOut";
  static final String HELD_OUT_OUTCOME = "heldOutWithOutcome";
  static final String DECISION_PREFIX = "decision:";
  static final String STEP_PREFIX = "step:";

  @Override
  public MetricsAccumulator createAccumulator() {
    return new MetricsAccumulator(0, null, new HashMap<>(), new HashMap<>());
  }

  @Override
  public MetricsAccumulator add(JourneyFact f, MetricsAccumulator acc) {
    acc.setRuleVersion(Math.max(acc.getRuleVersion(), f.getRuleVersion()));
    acc.setJourney(f.getJourney());
    Map<String, Long> c = acc.getCounts();
    switch (f.getKind()) {
      case JourneyFacts.ENTERED -> inc(c, ENTERED);
      case JourneyFacts.STEP -> inc(c, STEP_PREFIX + f.getDetail());
      case JourneyFacts.BREAKPOINT -> inc(c, BREAKPOINTS);
      case JourneyFacts.DECISION -> inc(c, DECISION_PREFIX + f.getDetail());
      case JourneyFacts.ABANDONED -> inc(c, ABANDONED);
      case JourneyFacts.RESOLVED -> {
        inc(c, RESOLVED);
        if (f.getDurationMillis() != null) {
          inc(c, RESOLUTIONS);
          inc(acc.getResolutionBuckets(),
              Integer.toString(ResolutionHistogram.bucket(f.getDurationMillis())));
        }
      }
      case JourneyFacts.FOLLOWED_UP -> {
        inc(c, FOLLOWED_UP);
        if (Boolean.TRUE.equals(f.getFlag())) {
          inc(c, REPEATED);
        }
      }
      case JourneyFacts.ATTRIBUTED -> {
        boolean held = Boolean.TRUE.equals(f.getHeldOut());
        inc(c, held ? HELD_OUT : TREATED);
        if (Boolean.TRUE.equals(f.getFlag())) {
          inc(c, held ? HELD_OUT_OUTCOME : TREATED_OUTCOME);
        }
      }
      default -> { } // a kind from a newer version: not counted here
    }
    return acc;
  }

  private static void inc(Map<String, Long> counts, String key) {
    counts.merge(key, 1L, Long::sum);
  }

  @Override
  public MetricsAccumulator getResult(MetricsAccumulator acc) {
    return acc;
  }

  @Override
  public MetricsAccumulator merge(MetricsAccumulator a, MetricsAccumulator b) {
    b.getCounts().forEach((k, v) -> a.getCounts().merge(k, v, Long::sum));
    b.getResolutionBuckets().forEach((k, v) -> a.getResolutionBuckets().merge(k, v, Long::sum));
    a.setRuleVersion(Math.max(a.getRuleVersion(), b.getRuleVersion()));
    if (a.getJourney() == null) {
      a.setJourney(b.getJourney());
    }
    return a;
  }
}
