package io.journeyflow.jobs.tools.report;

import java.time.Instant;
import java.util.List;

/**
 * What the journey report shows, computed from JourneyMetrics and DeadLetter rows by {@link
 * ReportAggregator} and drawn by {@link ReportHtml}. Plain values only: no JSON, no HTML.
 */
public record ReportModel(
    Summary summary,
    List<Funnel> funnels,
    List<Resolution> resolutions,
    List<RepeatSeries> repeatContacts,
    List<Lift> lifts,
    List<DecisionBar> decisions,
    DeadLetterReasons deadLetters) {

  /** Totals for the page header, and what went wrong while reading. */
  public record Summary(
      long metricsRows,
      long replacedRows,
      int rules,
      int windows,
      Instant firstWindowStart,
      Instant lastWindowEnd,
      long entered,
      long breakpoints,
      long resolved,
      long abandoned,
      List<String> warnings) {}

  /** One rule's journey funnel: reached summed over all windows, in step order. */
  public record Funnel(String journey, String ruleId, List<Step> steps) {}

  /**
   * A step of a funnel. {@code conversion} is reached / reached of the previous step, null for
   * the first step or a zero base; {@code ofFirst} is reached / reached of the first step.
   */
  public record Step(String name, long reached, Double conversion, Double ofFirst) {}

  /**
   * Time to resolution of one rule's journeys: each window's percentile, averaged over the
   * windows weighted by their number of resolved journeys (null when nothing was resolved).
   */
  public record Resolution(
      String ruleId, long resolvedWithStart, int windows, Double p50Millis, Double p90Millis,
      Double p99Millis) {}

  /** Repeat-contact rate of one rule, one point per window with followed-up actions. */
  public record RepeatSeries(String ruleId, List<RatePoint> points, long followedUp,
      long repeats) {

    /** The rate over all windows, null when no action was followed up. */
    public Double overallRate() {
      return followedUp == 0 ? null : (double) repeats / followedUp;
    }
  }

  /** One window's repeat-contact rate. */
  public record RatePoint(Instant windowStart, long followedUp, long repeats, double rate) {}

  /**
   * One rule's holdout comparison, counts summed over all windows; lift, interval and p-value
   * computed from the sums. All four statistics are null when the rule has no holdout.
   */
  public record Lift(
      String ruleId,
      String journey,
      Double holdoutPercent,
      long treated,
      long treatedWithOutcome,
      long heldOut,
      long heldOutWithOutcome,
      Double lift,
      Double liftLow,
      Double liftHigh,
      Double pValue) {

    public boolean hasHoldout() {
      return treated > 0 && heldOut > 0;
    }

    public Double treatedRate() {
      return treated == 0 ? null : (double) treatedWithOutcome / treated;
    }

    public Double heldOutRate() {
      return heldOut == 0 ? null : (double) heldOutWithOutcome / heldOut;
    }
  }

  /** One rule's decision records by outcome (BLOCKED split by reason), in a fixed order. */
  public record DecisionBar(String ruleId, List<Segment> segments) {

    public long total() {
      return segments.stream().mapToLong(Segment::count).sum();
    }
  }

  /** A part of a stacked bar: an outcome key such as SENT or BLOCKED:CAPPED. */
  public record Segment(String key, long count) {}

  /**
   * Dead letters grouped by stage and normalized error. {@code source} says where they were
   * read from, null when no dead-letter input was given.
   */
  public record DeadLetterReasons(String source, long total, List<ReasonCount> top,
      long otherCount, int otherReasons) {}

  /** Dead letters of one stage and normalized error, with one original error as an example. */
  public record ReasonCount(String stage, String reason, long count, String example) {}
}
