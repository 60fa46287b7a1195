package io.journeyflow.jobs.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyflow.jobs.Uids;
import io.journeyflow.patterns.RuleLoader;
import io.journeyflow.patterns.engine.FastRule;
import io.journeyflow.patterns.engine.RuleState;
import io.journeyflow.patterns.engine.RuleStateSerializer;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.internal.RuleMatch;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.api.java.typeutils.MapTypeInfo;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

/** The fast rule operator's state across versions (matches themselves: the differential test). */
class FastRuleFunctionTest {

  /** A starter rule: a failed payment, then an adjustment on the same invoice. */
  private static final String ID = "billing-adjustment-after-failed-payment";
  private static final FastRule RULE =
      FastRule.compile(RuleLoader.loadFromClasspath().rule(ID)).orElseThrow();
  private static final String KEY = Uids.fastRuleState(ID, 1);
  private static final CustomerKeys KEYS = new CustomerKeys(List.of(CustomerKeys.CUSTOMER_ID));

  @Test
  void aPartialMatchIndexedInTheEarlierMapCompletesAfterARestore() throws Exception {
    OperatorSubtaskState older;
    try (var writer = harness(new EarlierIndexWriter())) {
      writer.open();
      writer.processElement(new StreamRecord<>(event("f1", "payment.failed", 1), 60_000L));
      older = writer.snapshot(1, 60_000L);
    }
    try (var restored = new KeyedOneInputStreamOperatorTestHarness<>(
        new FastRuleOperator(new FastRuleFunction(List.of(RULE), KEYS)), KEYS, Types.STRING)) {
      restored.initializeState(older);
      restored.open();
      restored.processWatermark(new Watermark(60_000L));
      restored.processElement(
          new StreamRecord<>(event("p1", "billing.adjustment.posted", 2), 120_000L));
      restored.processWatermark(new Watermark(120_000L));
      List<RuleMatch> matches = restored.extractOutputValues();
      assertThat(matches).hasSize(1);
      assertThat(matches.get(0).getEvents()).extracting(m -> m.getEvent().getEventId())
          .containsExactly("f1", "p1");
    }
  }

  @Test
  void aPartialMatchCompletesAfterARestoreFromTheOperatorsOwnCheckpoint() throws Exception {
    OperatorSubtaskState own;
    try (var h = new KeyedOneInputStreamOperatorTestHarness<>(
        new FastRuleOperator(new FastRuleFunction(List.of(RULE), KEYS)), KEYS, Types.STRING)) {
      h.setStateBackend(new org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend());
      h.open();
      h.processElement(new StreamRecord<>(event("f1", "payment.failed", 1), 60_000L));
      h.processWatermark(new Watermark(60_000L));
      own = h.snapshot(1, 60_000L);
    }
    // Restored from its own checkpoint the operator does not look for the earlier index.
    try (var restored = new KeyedOneInputStreamOperatorTestHarness<>(
        new FastRuleOperator(new FastRuleFunction(List.of(RULE), KEYS)), KEYS, Types.STRING)) {
      restored.setStateBackend(new org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend());
      restored.initializeState(own);
      restored.open();
      restored.processElement(
          new StreamRecord<>(event("p1", "billing.adjustment.posted", 2), 120_000L));
      restored.processWatermark(new Watermark(120_000L));
      assertThat(restored.extractOutputValues()).singleElement()
          .satisfies(m -> assertThat(m.getEvents()).extracting(e -> e.getEvent().getEventId())
              .containsExactly("f1", "p1"));
    }
  }

  @Test
  void eventsWaitingOnTheHeapGoToTheSubtaskOfTheirCustomerWhenRescaled() throws Exception {
    int maxParallelism = 128;
    List<String> customers = List.of("c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8");
    OperatorSubtaskState one;
    try (var h = new KeyedOneInputStreamOperatorTestHarness<>(
        new FastRuleOperator(new FastRuleFunction(List.of(RULE), KEYS)), KEYS, Types.STRING,
        maxParallelism, 1, 0)) {
      h.setStateBackend(new org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend());
      h.open();
      for (String c : customers) {
        h.processElement(new StreamRecord<>(
            of(c, event("f-" + c, "payment.failed", 1)), 60_000L));
        h.processElement(new StreamRecord<>(
            of(c, event("p-" + c, "billing.adjustment.posted", 2)), 120_000L));
      }
      one = h.snapshot(1, 0L); // every event still waits for the watermark
    }
    List<String> matched = new java.util.ArrayList<>();
    for (int subtask = 0; subtask < 2; subtask++) {
      try (var h = new KeyedOneInputStreamOperatorTestHarness<>(
          new FastRuleOperator(new FastRuleFunction(List.of(RULE), KEYS)), KEYS, Types.STRING,
          maxParallelism, 2, subtask)) {
        h.setStateBackend(new org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend());
        h.initializeState(AbstractStreamOperatorTestHarness.repartitionOperatorState(
            one, maxParallelism, 1, 2, subtask));
        h.open();
        h.processWatermark(new Watermark(120_000L));
        List<String> here = h.extractOutputValues().stream()
            .map(RuleMatch::getCustomerId).toList();
        assertThat(here).as("subtask %d matches some, not all", subtask)
            .isNotEmpty().hasSizeLessThan(customers.size());
        matched.addAll(here);
      }
    }
    assertThat(matched).containsExactlyInAnyOrderElementsOf(customers);
  }

  private static CustomerEvent of(String customer, CustomerEvent e) {
    e.getIdentities().put(CustomerKeys.CUSTOMER_ID, customer);
    return e;
  }

  @Test
  void aRuleStateWaitsWithOneTimerAtItsNextDeadline() throws Exception {
    long window = RULE.windowMillis();
    try (var h = new KeyedOneInputStreamOperatorTestHarness<>(
        new FastRuleOperator(new FastRuleFunction(List.of(RULE), KEYS)), KEYS, Types.STRING)) {
      h.open();
      for (int minute = 1; minute <= 3; minute++) {
        h.processElement(new StreamRecord<>(
            event("f" + minute, "payment.failed", minute), 60_000L * minute));
      }
      h.processWatermark(new Watermark(180_000L));
      // Three partial matches, one timer: the first one's window end.
      assertThat(h.numEventTimeTimers()).isEqualTo(1);

      h.processWatermark(new Watermark(60_000L + window));
      assertThat(h.numEventTimeTimers()).as("the next deadline, asked for by the first")
          .isEqualTo(1);
      h.processWatermark(new Watermark(180_000L + window));
      assertThat(h.numEventTimeTimers()).isZero();
      assertThat(h.extractOutputValues()).isEmpty();
    }
  }

  @Test
  void rulesWithDifferentDeadlinesShareOneTimerPerCustomer() throws Exception {
    FastRule cart = FastRule.compile(RuleLoader.loadFromClasspath().rule("cart-abandonment"))
        .orElseThrow();
    try (var h = new KeyedOneInputStreamOperatorTestHarness<>(
        new FastRuleOperator(new FastRuleFunction(List.of(RULE, cart), KEYS)), KEYS,
        Types.STRING)) {
      h.setStateBackend(new org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend());
      h.open();
      h.processElement(new StreamRecord<>(event("a1", "cart.item_added", 1), 60_000L));
      h.processElement(new StreamRecord<>(event("f1", "payment.failed", 2), 120_000L));
      h.processWatermark(new Watermark(120_000L));
      assertThat(h.numEventTimeTimers()).as("one timer at the cart's deadline, the earlier one")
          .isEqualTo(1);
      OperatorSubtaskState snapshot = h.snapshot(1, 120_000L);

      try (var restored = new KeyedOneInputStreamOperatorTestHarness<>(
          new FastRuleOperator(new FastRuleFunction(List.of(RULE, cart), KEYS)), KEYS,
          Types.STRING)) {
        restored.setStateBackend(
            new org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend());
        restored.initializeState(snapshot);
        restored.open();
        restored.processWatermark(new Watermark(60_000L + cart.windowMillis()));
        assertThat(restored.extractOutputValues()).as("no order within the hour")
            .singleElement().satisfies(m -> assertThat(m.getRuleId())
                .isEqualTo("cart-abandonment"));
        assertThat(restored.numEventTimeTimers()).as("then one at the billing rule's deadline")
            .isEqualTo(1);
        restored.processElement(
            new StreamRecord<>(event("p1", "billing.adjustment.posted", 300), 18_000_000L));
        restored.processWatermark(new Watermark(120_000L + RULE.windowMillis()));
        assertThat(restored.extractOutputValues()).hasSize(2)
            .last().satisfies(m -> assertThat(m.getEvents())
                .extracting(e -> e.getEvent().getEventId()).containsExactly("f1", "p1"));
        assertThat(restored.numEventTimeTimers()).isZero();
      }
    }
  }

  private static <F extends KeyedProcessFunction<String, CustomerEvent, RuleMatch>>
      KeyedOneInputStreamOperatorTestHarness<String, CustomerEvent, RuleMatch> harness(F f)
      throws Exception {
    return new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(f), KEYS,
        Types.STRING);
  }

  private static CustomerEvent event(String id, String type, long minute) {
    return CustomerEvent.newBuilder().setEventId(id).setEventType(type).setSource("test")
        .setOccurredAt(Instant.ofEpochSecond(60 * minute))
        .setIdentities(new HashMap<>(Map.of(CustomerKeys.CUSTOMER_ID, "c1")))
        .setEntityId("inv-1").setAttributes(new HashMap<>()).build();
  }

  /** Keeps a first step's partial match as the operator did before its compact index. */
  private static final class EarlierIndexWriter
      extends KeyedProcessFunction<String, CustomerEvent, RuleMatch> {
    private static final long serialVersionUID = 1L;

    @Override
    public void processElement(CustomerEvent event, Context ctx, Collector<RuleMatch> out)
        throws Exception {
      MapState<String, RuleState> states = getRuntimeContext().getMapState(
          new MapStateDescriptor<>(FastRuleFunction.RULE_STATES, StringSerializer.INSTANCE,
              new RuleStateSerializer(new AvroSerializer<>(CustomerEvent.class))));
      ValueState<Map<String, Long>> index = getRuntimeContext().getState(
          new ValueStateDescriptor<>(FastRuleFunction.INDEX,
              new MapTypeInfo<>(Types.STRING, Types.LONG)));
      RuleState state = new RuleState();
      long t = event.getOccurredAt().toEpochMilli();
      RULE.process(state, event, t);
      states.put(KEY, state);
      index.update(new HashMap<>(Map.of(KEY, RULE.nextDeadline(state))));
    }
  }
}
