package io.journeyflow.jobs.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyflow.jobs.Uids;
import io.journeyflow.jobs.config.JobOptions;
import io.journeyflow.jobs.testing.ProductionGraph;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/**
 * Operator uids and state names are a public API: savepoints map state by uid and by state
 * name. These tests fail when either changes; update the files under savepoint-contract/ only
 * for a release that says it breaks savepoint compatibility.
 */
class SavepointContractTest {

  @Test
  void operatorUidsOfTheProductionGraphAreUnchanged() throws Exception {
    assertUids(new Configuration(), "uids.txt");
  }

  /** With journeyflow.rules.fast-path on, every starter rule runs in the fast operator. */
  @Test
  void operatorUidsWithTheFastPathAreUnchanged() throws Exception {
    Configuration conf = new Configuration();
    conf.set(JobOptions.FAST_RULES, true);
    assertUids(conf, "fast-path-uids.txt");
  }

  @Test
  void operatorUidsWithIdentityResolutionAreUnchanged() throws Exception {
    Configuration conf = new Configuration();
    conf.set(JobOptions.IDENTITY_RESOLUTION, true);
    assertUids(conf, "identity-uids.txt");
  }

  @Test
  void stateNamesOfTheFastPathAndOfIdentityResolutionAreUnchanged() {
    assertThat(List.of(FastRuleFunction.BUFFER, FastRuleFunction.RULE_STATES,
        FastRuleFunction.INDEX, FastRuleFunction.STARTS, FastRuleFunction.DEADLINES,
        FastRuleOperator.BUFFERED_EVENTS, Uids.fastRuleState("repeat-contact", 1),
        IdentityFunction.NODE, IdentityFunction.PENDING, IdentityFunction.PENDING_LINKS,
        FarTimers.STATE))
        .containsExactly("fast-buffer", "fast-rules", "fast-index", "fast-starts", "fast-deadlines",
            "buffered-events", "fast-rule-repeat-contact-v1", "identity-node", "identity-pending",
            "identity-pending-links", "far-timers");
  }

  private static void assertUids(Configuration conf, String file) throws Exception {
    TreeSet<String> uids = new TreeSet<>();
    List<String> withoutUid = new ArrayList<>();
    for (StreamNode node : ProductionGraph.nodes(conf)) {
      if (node.getTransformationUID() == null) {
        withoutUid.add(node.getOperatorName());
      } else {
        uids.add(node.getTransformationUID());
      }
    }
    assertThat(withoutUid).as("every operator needs a stable uid").isEmpty();
    assertThat(uids).as("operator uids (savepoint-contract/%s)", file)
        .containsExactlyElementsOf(lines(file));
  }

  @Test
  void stateNamesAreUnchanged() throws Exception {
    List<String> names = List.of(
        "ingest " + IngestFunction.SEEN_STATE,
        "policy-gate " + PolicyUpdateGate.IN_FORCE,
        "journey broadcast " + JourneyFunction.POLICY_STATE.getName(),
        "journey " + JourneyFunction.PENDING_EVENTS,
        "journey " + JourneyFunction.PENDING_MATCHES,
        "journey " + JourneyFunction.RECENT,
        "journey " + JourneyFunction.RECENT_COUNT,
        "journey " + JourneyFunction.ABSORBED_INTO,
        "journey " + JourneyFunction.OPEN_SUPPRESSIONS,
        "journey " + JourneyFunction.OPENED_BY,
        "journey " + JourneyFunction.PROFILE,
        "journey " + JourneyFunction.SENDS,
        "journey " + JourneyFunction.DEFERRED,
        "journey " + JourneyFunction.CONTEST,
        "journey " + JourneyFunction.AWAITING_APPROVAL,
        "journey " + JourneyFunction.ENTERED,
        "journey " + JourneyFunction.EXITED,
        "journey " + JourneyFunction.ERASED_AT,
        "journey " + JourneyFunction.OPEN_JOURNEYS,
        "journey " + JourneyFunction.CONTACTS,
        "journey " + JourneyFunction.STARTED,
        "journey " + JourneyFunction.FOLLOW_UPS,
        "journey " + JourneyFunction.ATTRIBUTIONS,
        "journey " + JourneyFunction.ANALYTICS_DUE,
        "journey " + JourneyFunction.JOURNEYS,
        "journey " + JourneyFunction.TIMER_CHECKS,
        "journey " + JourneyFunction.DECISION_STATE,
        "journey " + JourneyFunction.CUSTOMER_CONTEXT,
        "journey " + JourneyFunction.PENDING,
        "journey operator-state " + JourneyOperator.BUFFERED_INPUTS);
    assertThat(names).as("state names (savepoint-contract/state-names.txt)")
        .containsExactlyElementsOf(lines("state-names.txt"));
  }

  private static List<String> lines(String file) throws IOException {
    try (InputStream in = SavepointContractTest.class.getResourceAsStream(
        "/savepoint-contract/" + file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
          .filter(l -> !l.isBlank() && !l.startsWith("#"))
          .toList();
    }
  }
}
