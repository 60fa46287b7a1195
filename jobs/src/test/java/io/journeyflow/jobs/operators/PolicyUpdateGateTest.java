package io.journeyflow.jobs.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyflow.connectors.DeadLetters;
import io.journeyflow.jobs.decisions.PolicyLoader;
import io.journeyflow.schema.DeadLetter;
import io.journeyflow.schema.internal.ControlRecord;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

/** Operator tests of checking policy updates, on RocksDB, with snapshot and restore. */
class PolicyUpdateGateTest {

  private static final OutputTag<DeadLetter> DEAD =
      new OutputTag<>("dead", new AvroTypeInfo<>(DeadLetter.class));
  private static final String STARTING_VERSION = "2026-11-24.1";

  private long offset;

  private static KeyedOneInputStreamOperatorTestHarness<String, ControlRecord, String> harness()
      throws Exception {
    var harness =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(
                new PolicyUpdateGate(PolicyLoader.loadDefault(), DEAD)),
            new PolicyUpdateGate.OneKey(),
            Types.STRING);
    harness.setStateBackend(new EmbeddedRocksDBStateBackend());
    return harness;
  }

  private void send(KeyedOneInputStreamOperatorTestHarness<String, ControlRecord, String> h,
      String text) throws Exception {
    h.processElement(new ControlRecord(DeadLetters.kafka("policy-updates", 0, offset++), text),
        0L);
  }

  private static List<DeadLetter> dead(
      KeyedOneInputStreamOperatorTestHarness<String, ControlRecord, String> h) {
    List<DeadLetter> out = new ArrayList<>();
    if (h.getSideOutput(DEAD) != null) {
      h.getSideOutput(DEAD).forEach(r -> out.add(r.getValue()));
    }
    return out;
  }

  private static String withVersion(String version) throws Exception {
    return JourneyFunctionTest.noSmsPolicies().replace("\"no-sms\"", "\"" + version + "\"");
  }

  @Test
  void validUpdateWithNewVersionIsPassedOn() throws Exception {
    try (var h = harness()) {
      h.open();
      send(h, withVersion("v2"));
      assertThat(h.extractOutputValues()).containsExactly(withVersion("v2"));
      assertThat(dead(h)).isEmpty();
    }
  }

  @Test
  void invalidUpdateIsADeadLetterAndTheOldPoliciesStay() throws Exception {
    try (var h = harness()) {
      h.open();
      send(h, withVersion("v2").replace("max: 3, per: 7d", "max: -3, per: 7 fortnights"));
      send(h, "version: [unclosed");
      send(h, "just some words");
      assertThat(h.extractOutputValues()).isEmpty();
      List<DeadLetter> dead = dead(h);
      assertThat(dead).hasSize(3);
      assertThat(dead).allSatisfy(d -> {
        assertThat(d.getStage()).isEqualTo(PolicyUpdateGate.STAGE);
        assertThat(d.getError())
            .startsWith("policy update rejected, policies " + STARTING_VERSION + " stay");
        assertThat(d.getOrigin().getTopic()).isEqualTo("policy-updates");
      });
      assertThat(dead.get(0).getError())
          .contains("frequencyCaps[0]: 'max' must be a whole number >= 0")
          .contains("frequencyCaps[0]: bad 'per' '7 fortnights'");
      assertThat(dead.get(0).getOrigin().getOffset()).isEqualTo(0L);
      assertThat(dead.get(0).getPayloadText()).contains("7 fortnights");
      assertThat(dead.get(2).getError()).contains("a policy file must be a mapping");
      // A valid update after the bad ones is still taken.
      send(h, withVersion("v2"));
      assertThat(h.extractOutputValues()).hasSize(1);
    }
  }

  @Test
  void reusedVersionWithOtherValuesIsRejectedAndARepeatIsIgnored() throws Exception {
    OperatorSubtaskState snapshot;
    try (var h = harness()) {
      h.open();
      send(h, JourneyFunctionTest.noSmsPolicies().replace("\"no-sms\"",
          "\"" + STARTING_VERSION + "\""));
      assertThat(dead(h)).singleElement().satisfies(d -> assertThat(d.getError())
          .contains("version '" + STARTING_VERSION + "' is already in force with other values"));
      send(h, withVersion("v2"));
      send(h, withVersion("v2")); // re-sent: no change, no error
      assertThat(h.extractOutputValues()).hasSize(1);
      assertThat(dead(h)).hasSize(1);
      snapshot = h.snapshot(1L, 1L);
    }
    try (var restored = harness()) {
      restored.initializeState(snapshot);
      restored.open();
      send(restored, withVersion("v2").replace("max: 3, per: 7d", "max: 4, per: 7d"));
      assertThat(restored.extractOutputValues()).isEmpty();
      assertThat(dead(restored)).singleElement().satisfies(d -> assertThat(d.getError())
          .startsWith("policy update rejected, policies v2 stay in force")
          .contains("version 'v2' is already in force"));
    }
  }
}
