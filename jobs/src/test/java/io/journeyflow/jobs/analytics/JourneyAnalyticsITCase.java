package io.journeyflow.jobs.analytics;

import static io.journeyflow.jobs.testing.Events.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.journeyflow.jobs.JourneyflowJob;
import io.journeyflow.jobs.config.JobOptions;
import io.journeyflow.jobs.io.MemoryJobIO;
import io.journeyflow.jobs.testing.MiniClusters;
import io.journeyflow.jobs.testing.TestRules;
import io.journeyflow.patterns.Rule;
import io.journeyflow.patterns.RuleLoader;
import io.journeyflow.patterns.RuleSet;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.Decision;
import io.journeyflow.schema.DecisionOutcome;
import io.journeyflow.schema.JourneyMetrics;
import io.journeyflow.schema.StepCount;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Journey analytics and holdouts through the real job, on stories with known answers. */
class JourneyAnalyticsITCase {

  @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

  private static final String BILLING = "billing-adjustment-after-failed-payment";

  private static final String OFFER = """
      id: win-back
      version: 2
      description: A lapsing customer gets an offer; 30% are held out to measure it
      journey: retention
      within: 1h
      steps: [{name: lapsing, eventTypes: [usage.dropped]}]
      actions: [{type: SEND_OFFER, channel: email, purpose: service}]
      holdout: {percent: 30, outcomes: [subscription.renewed], within: 2d}
      """;

  private static MemoryJobIO run(List<CustomerEvent> events, RuleSet rules, int parallelism)
      throws Exception {
    Configuration conf = new Configuration();
    conf.set(JobOptions.ANALYTICS_WINDOW, Duration.ofDays(365)); // one window for the stories
    MemoryJobIO io = MemoryJobIO.ofEvents(events);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(parallelism);
    new JourneyflowJob(conf, rules, io).build(env);
    env.execute("analytics");
    return io;
  }

  private static JourneyMetrics only(MemoryJobIO io, String ruleId) {
    List<JourneyMetrics> of = io.journeyMetrics.results().stream()
        .filter(m -> m.getRuleId().equals(ruleId)).toList();
    assertThat(of).as("one window of %s", ruleId).hasSize(1);
    return of.get(0);
  }

  @Test
  void billingStoriesGiveTheirKnownCounts() throws Exception {
    List<CustomerEvent> events = new ArrayList<>();
    // c1: enters, breakpoint at 60, another contact at 120, resolved at 180.
    events.add(event("a1", "payment.failed", "c1", 0, "inv-1"));
    events.add(event("a2", "billing.adjustment.posted", "c1", 60, "inv-1"));
    events.add(event("a3", "contact.started", "c1", 120));
    events.add(event("a4", "billing.issue.resolved", "c1", 180, "inv-1"));
    // c2: enters and is never adjusted: abandoned when the 48h window passes.
    events.add(event("b1", "payment.failed", "c2", 5, "inv-2"));
    // c3: enters, breakpoint at 70, resolved at 300, no further contact.
    events.add(event("c1", "payment.failed", "c3", 0, "inv-3"));
    events.add(event("c2", "billing.adjustment.posted", "c3", 70, "inv-3"));
    events.add(event("c3", "billing.issue.resolved", "c3", 300, "inv-3"));
    MemoryJobIO io = run(events, RuleLoader.loadFromClasspath().only(BILLING), 2);

    JourneyMetrics m = only(io, BILLING);
    assertThat(m.getJourney()).isEqualTo("billing-issue");
    assertThat(m.getEntered()).isEqualTo(3);
    assertThat(m.getStepsReached()).extracting(StepCount::getStep, StepCount::getReached)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("failed", 3L),
            org.assertj.core.groups.Tuple.tuple("adjustment", 2L));
    assertThat(m.getStepsReached().get(1).getConversion()).isCloseTo(2 / 3.0, within(1e-9));
    assertThat(m.getBreakpoints()).isEqualTo(2);
    assertThat(m.getDecisions()).containsExactlyEntriesOf(java.util.Map.of("SENT", 2L));
    assertThat(m.getResolved()).isEqualTo(2);
    assertThat(m.getAbandoned()).isEqualTo(1);
    // Resolution times 180 and 300 minutes from entering: nearest-rank p50 = 180, p90 = 300.
    assertThat(m.getResolutionCount()).isEqualTo(2);
    assertThat(m.getResolutionP50Millis()).isBetween(180 * 60_000L, (long) (180 * 60_000 * 1.02));
    assertThat(m.getResolutionP90Millis()).isBetween(300 * 60_000L, (long) (300 * 60_000 * 1.02));
    // Two actions followed up for 7 days: c1 contacted again, c3 did not.
    assertThat(m.getActionsFollowedUp()).isEqualTo(2);
    assertThat(m.getRepeatContacts()).isEqualTo(1);
    assertThat(m.getRepeatContactRate()).isEqualTo(0.5);
    assertThat(m.getHoldout()).isNull();
  }

  /** 200 lapsing customers; every third renews within the attribution window. */
  private static List<CustomerEvent> lapsing() {
    List<CustomerEvent> events = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      events.add(event("d" + i, "usage.dropped", "w" + i, i));
      if (i % 3 == 0) {
        events.add(event("r" + i, "subscription.renewed", "w" + i, i + 600));
      }
    }
    return events;
  }

  @Test
  void holdoutCustomersGetNoActionAndTheLiftIsCounted() throws Exception {
    RuleSet rules = TestRules.of(OFFER);
    Rule rule = rules.rule("win-back");
    MemoryJobIO io = run(lapsing(), rules, 2);

    Set<String> expectedHeld = new TreeSet<>();
    long heldWithOutcome = 0;
    long treatedWithOutcome = 0;
    for (int i = 0; i < 200; i++) {
      boolean held = Holdouts.heldOut(JobOptions.HOLDOUT_SALT.defaultValue(), rule.id(),
          "w" + i, rule.holdout().percent());
      if (held) {
        expectedHeld.add("w" + i);
      }
      if (i % 3 == 0) {
        heldWithOutcome += held ? 1 : 0;
        treatedWithOutcome += held ? 0 : 1;
      }
    }
    assertThat(held(io)).isEqualTo(expectedHeld);
    assertThat(io.actions.results()).hasSize(200 - expectedHeld.size());
    assertThat(io.actions.results()).noneMatch(a -> expectedHeld.contains(a.getCustomerId()));

    JourneyMetrics m = only(io, "win-back");
    assertThat(m.getDecisions()).containsEntry("HOLDOUT", (long) expectedHeld.size())
        .containsEntry("SENT", 200L - expectedHeld.size());
    var h = m.getHoldout();
    assertThat(h.getHoldoutPercent()).isEqualTo(30.0);
    assertThat(h.getHeldOut()).isEqualTo(expectedHeld.size());
    assertThat(h.getTreated()).isEqualTo(200 - expectedHeld.size());
    assertThat(h.getHeldOutWithOutcome()).isEqualTo(heldWithOutcome);
    assertThat(h.getTreatedWithOutcome()).isEqualTo(treatedWithOutcome);
    Lift lift = Lift.of(h.getTreated(), treatedWithOutcome, h.getHeldOut(), heldWithOutcome);
    assertThat(h.getLift()).isEqualTo(lift.lift());
    assertThat(h.getLiftLow()).isEqualTo(lift.low());
    assertThat(h.getLiftHigh()).isEqualTo(lift.high());
    assertThat(h.getPValue()).isEqualTo(lift.pValue());
  }

  @Test
  void holdoutGroupsAreTheSameAcrossRunsAndParallelism() throws Exception {
    RuleSet rules = TestRules.of(OFFER);
    Set<String> first = held(run(lapsing(), rules, 1));
    Set<String> second = held(run(lapsing(), rules, 2));
    assertThat(first).isNotEmpty().isEqualTo(second);
  }

  private static Set<String> held(MemoryJobIO io) {
    Set<String> held = new TreeSet<>();
    for (Decision d : io.decisions.results()) {
      if (d.getOutcome() == DecisionOutcome.HOLDOUT) {
        held.add(d.getCustomerId());
      }
    }
    return held;
  }
}
