package io.journeyflow.jobs.operators;

import static io.journeyflow.jobs.testing.Events.event;
import static io.journeyflow.jobs.testing.Events.millis;
import static org.assertj.core.api.Assertions.assertThat;

import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.DeadLetter;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

/** Operator tests of de-duplication and lateness on RocksDB, including snapshot and restore. */
class IngestFunctionTest {

  private static final OutputTag<DeadLetter> DEAD =
      new OutputTag<>("dead", new AvroTypeInfo<>(DeadLetter.class));
  private static final Duration TTL = Duration.ofHours(1);

  private static KeyedOneInputStreamOperatorTestHarness<String, CustomerEvent, CustomerEvent>
      harness() throws Exception {
    var harness =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new IngestFunction(TTL, DEAD)),
            new CustomerKeys(List.of("customerId")),
            Types.STRING);
    harness.setStateBackend(new EmbeddedRocksDBStateBackend());
    return harness;
  }

  @Test
  void dropsDuplicatesByEventId() throws Exception {
    try (var h = harness()) {
      h.open();
      h.processElement(event("e1", "a.b", "c1", 1), millis(1));
      h.processElement(event("e1", "a.b", "c1", 1), millis(1));
      h.processElement(event("e2", "a.b", "c1", 2), millis(2));
      assertThat(h.extractOutputValues()).extracting(CustomerEvent::getEventId)
          .containsExactly("e1", "e2");
      assertThat(h.getSideOutput(DEAD)).isNull();
    }
  }

  @Test
  void lateEventsBecomeDeadLettersAndAreNotRemembered() throws Exception {
    try (var h = harness()) {
      h.open();
      h.processWatermark(new Watermark(millis(10)));
      h.processElement(event("late", "a.b", "c1", 10), millis(10));
      h.processElement(event("ok", "a.b", "c1", 11), millis(11));
      assertThat(h.extractOutputValues()).extracting(CustomerEvent::getEventId)
          .containsExactly("ok");
      DeadLetter dead = h.getSideOutput(DEAD).poll().getValue();
      assertThat(dead.getStage()).isEqualTo("late");
      assertThat(dead.getEventId()).isEqualTo("late");
      assertThat(dead.getError()).contains("watermark");
      // Not remembered: the same id with a valid time is still accepted.
      h.processElement(event("late", "a.b", "c1", 12), millis(12));
      assertThat(h.extractOutputValues()).extracting(CustomerEvent::getEventId)
          .containsExactly("ok", "late");
    }
  }

  @Test
  void forgetsIdsAfterTheTtlSoStateStaysBounded() throws Exception {
    try (var h = harness()) {
      h.open();
      h.setStateTtlProcessingTime(0);
      h.processElement(event("e1", "a.b", "c1", 1), millis(1));
      h.setStateTtlProcessingTime(TTL.toMillis() + 1);
      h.processElement(event("e1", "a.b", "c1", 1), millis(1));
      assertThat(h.extractOutputValues()).hasSize(2);
    }
  }

  @Test
  void erasureForgetsTheCustomersEventIds() throws Exception {
    try (var h = harness()) {
      h.open();
      h.processElement(event("e1", "a.b", "c1", 1), millis(1));
      h.processElement(event("x", "customer.erase", "c1", 2), millis(2));
      h.processElement(event("e1", "a.b", "c1", 1), millis(3));
      assertThat(h.extractOutputValues()).extracting(CustomerEvent::getEventId)
          .containsExactly("e1", "x", "e1");
    }
  }

  @Test
  void remembersSeenIdsAcrossSnapshotAndRestore() throws Exception {
    OperatorSubtaskState snapshot;
    try (var h = harness()) {
      h.open();
      h.processElement(event("e1", "a.b", "c1", 1), millis(1));
      snapshot = h.snapshot(1L, 1L);
    }
    try (var restored = harness()) {
      restored.initializeState(snapshot);
      restored.open();
      restored.processElement(new StreamRecord<>(event("e1", "a.b", "c1", 1), millis(1)));
      restored.processElement(new StreamRecord<>(event("e2", "a.b", "c1", 2), millis(2)));
      assertThat(restored.extractOutputValues()).extracting(CustomerEvent::getEventId)
          .containsExactly("e2");
    }
  }
}
