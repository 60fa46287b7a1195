package io.journeyflow.jobs.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyflow.patterns.RuleLoader;
import io.journeyflow.patterns.engine.FastRule;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.internal.RuleMatch;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Far timers: few Flink timers, the same matches at the same watermarks, rescaled too. */
class FarTimersTest {

  /** A starter rule whose window end emits: an item added to the cart and no order in 1h. */
  private static final FastRule CART =
      FastRule.compile(RuleLoader.loadFromClasspath().rule("cart-abandonment")).orElseThrow();
  private static final CustomerKeys KEYS = new CustomerKeys(List.of(CustomerKeys.CUSTOMER_ID));
  private static final int MAX_PARALLELISM = 4;
  private static final int CUSTOMERS = 100;
  private static final long MINUTE = 60_000L;

  @ParameterizedTest(name = "rocksdb={0}")
  @ValueSource(booleans = {false, true})
  void deadlinesAnHourAheadWaitInListsAndFireAtTheirOwnTimeAfterARescale(boolean rocksDb)
      throws Exception {
    List<StreamRecord<RuleMatch>> direct;
    try (var h = harness(Duration.ZERO, 1, 0, rocksDb)) {
      h.open();
      feed(h);
      assertThat(h.numEventTimeTimers()).as("one deadline timer per customer").isEqualTo(CUSTOMERS);
      h.processWatermark(new Watermark(90 * MINUTE));
      direct = matches(h);
    }
    assertThat(direct).hasSize(CUSTOMERS);

    OperatorSubtaskState snapshot;
    try (var h = harness(Duration.ofMinutes(1), 1, 0, rocksDb)) {
      h.open();
      feed(h);
      assertThat(h.numEventTimeTimers())
          .as("one timer per key group and bucket: deadlines fall in three minutes")
          .isLessThanOrEqualTo(MAX_PARALLELISM * 4);
      snapshot = h.snapshot(1, 5 * MINUTE);
    }
    List<StreamRecord<RuleMatch>> far = new ArrayList<>();
    for (int subtask = 0; subtask < 2; subtask++) {
      try (var h = harness(Duration.ofMinutes(1), 2, subtask, rocksDb)) {
        h.initializeState(AbstractStreamOperatorTestHarness.repartitionOperatorState(
            snapshot, MAX_PARALLELISM, 1, 2, subtask));
        h.open();
        // One watermark past the lists' timers and the deadlines they hold: both fire in it.
        h.processWatermark(new Watermark(90 * MINUTE));
        List<StreamRecord<RuleMatch>> here = matches(h);
        assertThat(here).as("subtask %d times out its own customers", subtask)
            .isNotEmpty().hasSizeLessThan(CUSTOMERS);
        far.addAll(here);
        assertThat(h.numEventTimeTimers()).isZero();
        if (!rocksDb) { // the harness counts entries of heap state only
          assertThat(h.numKeyedStateEntries()).as("rule states and lists cleaned up").isZero();
        }
      }
    }
    assertThat(far).containsExactlyInAnyOrderElementsOf(direct);
  }

  @Test
  void aTimerInTheNextBucketIsAFlinkTimerAtOnce() throws Exception {
    try (var h = harness(Duration.ofHours(1), 1, 0, true)) {
      h.open();
      feed(h);
      assertThat(h.numEventTimeTimers()).as("the deadlines are within two buckets")
          .isEqualTo(CUSTOMERS);
      h.processWatermark(new Watermark(90 * MINUTE));
      assertThat(matches(h)).hasSize(CUSTOMERS);
    }
  }

  @Test
  void eachKeyGroupHasTheSameListKeyWhateverTheRangeOfTheSubtask() {
    String[] all = FarTimers.groupKeys(new KeyGroupRange(0, 127), 128);
    String[] upper = FarTimers.groupKeys(new KeyGroupRange(64, 127), 128);
    assertThat(upper).containsExactly(Arrays.copyOfRange(all, 64, 128));
    for (int group = 0; group < 128; group++) {
      assertThat(KeyGroupRangeAssignment.assignToKeyGroup(all[group], 128)).isEqualTo(group);
      assertThat(FarTimers.owns(all[group])).isTrue();
    }
    assertThat(FarTimers.owns("c1")).isFalse();
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, CustomerEvent, RuleMatch> harness(
      Duration bucket, int parallelism, int subtask, boolean rocksDb) throws Exception {
    var h = new KeyedOneInputStreamOperatorTestHarness<>(
        new FastRuleOperator(new FastRuleFunction(List.of(CART), KEYS)).withFarTimers(bucket),
        KEYS, Types.STRING, MAX_PARALLELISM, parallelism, subtask);
    h.setStateBackend(rocksDb ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend());
    return h;
  }

  /** Each customer adds an item in the first three minutes; the watermark passes them all. */
  private static void feed(KeyedOneInputStreamOperatorTestHarness<String, CustomerEvent,
      RuleMatch> h) throws Exception {
    for (int c = 0; c < CUSTOMERS; c++) {
      long at = MINUTE + c * (3 * MINUTE / CUSTOMERS);
      h.processElement(new StreamRecord<>(added("c" + c, at), at));
    }
    h.processWatermark(new Watermark(5 * MINUTE));
  }

  private static List<StreamRecord<RuleMatch>> matches(
      KeyedOneInputStreamOperatorTestHarness<String, CustomerEvent, RuleMatch> h) {
    List<StreamRecord<RuleMatch>> out = new ArrayList<>();
    for (Object o : h.getOutput()) {
      if (o instanceof StreamRecord<?> r) {
        @SuppressWarnings("unchecked")
        StreamRecord<RuleMatch> match = (StreamRecord<RuleMatch>) r;
        out.add(match);
      }
    }
    return out;
  }

  private static CustomerEvent added(String customer, long at) {
    HashMap<String, String> ids = new HashMap<>();
    ids.put(CustomerKeys.CUSTOMER_ID, customer);
    return CustomerEvent.newBuilder()
        .setEventId("a-" + customer)
        .setEventType("cart.item_added")
        .setSource("test")
        .setOccurredAt(Instant.ofEpochMilli(at))
        .setIdentities(ids)
        .setAttributes(new HashMap<>())
        .build();
  }
}
