package io.journeyflow.jobs.tools.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.journeyflow.jobs.tools.report.ReportModel.Funnel;
import io.journeyflow.jobs.tools.report.ReportModel.Lift;
import io.journeyflow.jobs.tools.report.ReportModel.RepeatSeries;
import io.journeyflow.jobs.tools.report.ReportModel.Resolution;
import io.journeyflow.jobs.tools.report.ReportModel.Segment;
import io.journeyflow.jobs.tools.report.ReportModel.Step;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The aggregation on a small hand-made set of rows whose answers are worked out by hand. */
class ReportAggregatorTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Rule "a": two windows (the first sent twice: the later row counts); rule "b": no holdout. */
  static final String METRICS = resource("metrics.jsonl");
  /** Three decode failures (two with their Kafka origin) and one late event. */
  static final String DEAD_LETTERS = resource("dead-letters.jsonl");

  /** A JSON-lines fixture of this test (src/test/resources/report/). */
  static String resource(String name) {
    try (var in = ReportAggregatorTest.class.getResourceAsStream("/report/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test fixture report/" + name);
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static List<JsonNode> rows(String lines) throws Exception {
    List<JsonNode> rows = new ArrayList<>();
    for (String line : lines.split("\n")) {
      if (!line.isBlank()) {
        rows.add(JSON.readTree(line));
      }
    }
    return rows;
  }

  private static ReportModel model() throws Exception {
    return ReportAggregator.aggregate(rows(METRICS), rows(DEAD_LETTERS), "dl.jsonl",
        List.of("read note"), 10);
  }

  @Test
  void summaryCountsEachRuleWindowOnceAndSaysWhatWasSkipped() throws Exception {
    ReportModel.Summary s = model().summary();
    assertThat(s.rules()).isEqualTo(2);
    assertThat(s.windows()).isEqualTo(2);
    assertThat(s.replacedRows()).isEqualTo(1);
    assertThat(s.metricsRows()).isEqualTo(4);
    assertThat(s.entered()).isEqualTo(10 + 30 + 4);
    assertThat(s.breakpoints()).isEqualTo(20);
    assertThat(s.resolved()).isEqualTo(4);
    assertThat(s.abandoned()).isEqualTo(7);
    assertThat(s.firstWindowStart()).isEqualTo(Instant.parse("2026-11-02T00:00:00Z"));
    assertThat(s.lastWindowEnd()).isEqualTo(Instant.parse("2026-11-04T00:00:00Z"));
    assertThat(s.warnings()).hasSize(2).first().isEqualTo("read note");
    assertThat(s.warnings().get(1)).contains("1 row(s) without a ruleId or windowStart");
  }

  @Test
  void funnelSumsStepsOverWindowsAndRecomputesConversion() throws Exception {
    List<Funnel> funnels = model().funnels();
    assertThat(funnels).extracting(Funnel::journey, Funnel::ruleId)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("j1", "a"),
            org.assertj.core.groups.Tuple.tuple("j2", "b"));
    List<Step> steps = funnels.get(0).steps();
    assertThat(steps).extracting(Step::name).containsExactly("s1", "s2", "s3");
    assertThat(steps).extracting(Step::reached).containsExactly(40L, 20L, 10L);
    assertThat(steps.get(0).conversion()).isNull();
    assertThat(steps.get(1).conversion()).isEqualTo(0.5);
    assertThat(steps.get(2).conversion()).isEqualTo(0.5);
    assertThat(steps.get(2).ofFirst()).isEqualTo(0.25);
    // a zero first step: no conversion, no share of the first
    assertThat(funnels.get(1).steps().get(0).ofFirst()).isNull();
  }

  @Test
  void resolutionPercentilesAreWeightedByResolvedJourneys() throws Exception {
    List<Resolution> res = model().resolutions();
    Resolution a = res.get(0);
    assertThat(a.resolvedWithStart()).isEqualTo(4);
    assertThat(a.windows()).isEqualTo(2);
    assertThat(a.p50Millis()).isEqualTo((1000 + 3 * 3000) / 4.0);
    assertThat(a.p90Millis()).isEqualTo((2000 + 3 * 6000) / 4.0);
    assertThat(a.p99Millis()).isEqualTo((4000 + 3 * 9000) / 4.0);
    assertThat(res.get(1).p50Millis()).isNull();
  }

  @Test
  void repeatContactRateHasOnePointPerWindowWithFollowedUpActions() throws Exception {
    List<RepeatSeries> series = model().repeatContacts();
    RepeatSeries a = series.get(0);
    assertThat(a.points()).hasSize(1);
    assertThat(a.points().get(0).windowStart()).isEqualTo(Instant.parse("2026-11-03T00:00:00Z"));
    assertThat(a.points().get(0).rate()).isEqualTo(0.2);
    assertThat(a.overallRate()).isEqualTo(0.2);
    // epoch-millisecond window starts are read too
    assertThat(series.get(1).points().get(0).windowStart())
        .isEqualTo(Instant.parse("2026-11-03T00:00:00Z"));
    assertThat(series.get(1).overallRate()).isEqualTo(0.25);
  }

  @Test
  void liftPoolsTheCountsOfAllWindowsAndRuleWithoutHoldoutHasNone() throws Exception {
    List<Lift> lifts = model().lifts();
    Lift a = lifts.get(0);
    // 100 treated, 60 with the outcome; 100 held out, 40 with it
    assertThat(a.treated()).isEqualTo(100);
    assertThat(a.treatedWithOutcome()).isEqualTo(60);
    assertThat(a.heldOut()).isEqualTo(100);
    assertThat(a.heldOutWithOutcome()).isEqualTo(40);
    assertThat(a.holdoutPercent()).isEqualTo(20.0);
    assertThat(a.lift()).isCloseTo(0.2, within(1e-12));
    double se = Math.sqrt(0.6 * 0.4 / 100 + 0.4 * 0.6 / 100);
    assertThat(a.liftLow()).isCloseTo(0.2 - 1.959964 * se, within(1e-6));
    assertThat(a.liftHigh()).isCloseTo(0.2 + 1.959964 * se, within(1e-6));
    assertThat(a.liftLow()).isCloseTo(0.06421, within(1e-5));
    // pooled rate 0.5: z = 0.2 / sqrt(0.25 * 0.02) = 2.8284, two-sided p = 0.004678
    assertThat(a.pValue()).isCloseTo(0.004678, within(1e-5));

    Lift b = lifts.get(1);
    assertThat(b.hasHoldout()).isFalse();
    assertThat(b.lift()).isNull();
    assertThat(b.pValue()).isNull();
  }

  @Test
  void decisionsSplitBlockedByReasonWithoutCountingTwice() throws Exception {
    List<ReportModel.DecisionBar> bars = model().decisions();
    assertThat(bars.get(0).segments()).containsExactly(new Segment("SENT", 12),
        new Segment("DEFERRED", 2), new Segment("BLOCKED:CAPPED", 3),
        new Segment("BLOCKED:other", 1), new Segment("HOLDOUT", 1));
    assertThat(bars.get(0).total()).isEqualTo(19);
    // a plain outcome below its reasons' sum is counted on its own
    assertThat(bars.get(1).segments()).containsExactly(new Segment("BLOCKED", 1),
        new Segment("BLOCKED:NO_CONSENT", 2));
  }

  @Test
  void deadLettersAreCountedByStageAndNormalizedError() throws Exception {
    ReportModel.DeadLetterReasons d = model().deadLetters();
    assertThat(d.source()).isEqualTo("dl.jsonl");
    assertThat(d.total()).isEqualTo(4);
    assertThat(d.top()).hasSize(2);
    assertThat(d.top().get(0).stage()).isEqualTo("decode");
    assertThat(d.top().get(0).count()).isEqualTo(3);
    assertThat(d.top().get(0).reason())
        .isEqualTo("not an AVRO CustomerEvent: bad header at offset # of"
            + " <topic/partition@offset>");
    assertThat(d.top().get(0).example()).contains("offset 17");
    assertThat(d.top().get(1).stage()).isEqualTo("late");

    ReportModel.DeadLetterReasons top1 = ReportAggregator.aggregate(rows(METRICS),
        rows(DEAD_LETTERS), "dl", List.of(), 1).deadLetters();
    assertThat(top1.top()).hasSize(1);
    assertThat(top1.otherCount()).isEqualTo(1);
    assertThat(top1.otherReasons()).isEqualTo(1);
  }

  @Test
  void emptyInputGivesAnEmptyModel() {
    ReportModel m = ReportAggregator.aggregate(List.of(), null, null, List.of(), 10);
    assertThat(m.summary().rules()).isZero();
    assertThat(m.summary().firstWindowStart()).isNull();
    assertThat(m.funnels()).isEmpty();
    assertThat(m.lifts()).isEmpty();
    assertThat(m.deadLetters().source()).isNull();
  }
}
