package io.journeyflow.jobs.operators;

import static io.journeyflow.jobs.testing.Events.at;
import static io.journeyflow.jobs.testing.Events.event;
import static io.journeyflow.jobs.testing.Events.millis;
import static org.assertj.core.api.Assertions.assertThat;

import io.journeyflow.jobs.decisions.DecisionEngine;
import io.journeyflow.jobs.decisions.Policies;
import io.journeyflow.jobs.decisions.PolicyLoader;
import io.journeyflow.jobs.testing.TestRules;
import io.journeyflow.patterns.RuleSet;
import io.journeyflow.schema.Action;
import io.journeyflow.schema.ContextEvent;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.Decision;
import io.journeyflow.schema.DecisionOutcome;
import io.journeyflow.schema.ErasureConfirmation;
import io.journeyflow.schema.OpenJourney;
import io.journeyflow.schema.OpenSuppression;
import io.journeyflow.schema.SuppressionSignal;
import io.journeyflow.schema.SuppressionState;
import io.journeyflow.schema.internal.DecisionState;
import io.journeyflow.schema.internal.MatchedEvent;
import io.journeyflow.schema.internal.RuleMatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.State;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.ListSerializer;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

/** Operator tests of decisions and the suppression lifecycle on RocksDB. */
class JourneyFunctionTest {

  private static final OutputTag<SuppressionSignal> SIGNALS =
      new OutputTag<>("signals", new AvroTypeInfo<>(SuppressionSignal.class));

  private static final OutputTag<Decision> DECISIONS =
      new OutputTag<>("decisions", new AvroTypeInfo<>(Decision.class));
  private static final Policies POLICIES = defaultPolicies();
  static final OutputTag<io.journeyflow.schema.internal.JourneyFact> FACTS =
      new OutputTag<>("facts",
          new AvroTypeInfo<>(io.journeyflow.schema.internal.JourneyFact.class));
  private static final OutputTag<ErasureConfirmation> ERASURES =
      new OutputTag<>("erasures", new AvroTypeInfo<>(ErasureConfirmation.class));

  private static Policies defaultPolicies() {
    try {
      return PolicyLoader.loadDefault();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static final RuleSet RULES =
      TestRules.of(
          """
          id: issue
          version: 3
          description: An issue opened
          journey: support
          within: 1h
          steps:
            - name: raised
              eventTypes: [issue.opened]
          actions:
            - type: HELP
              channel: email
              priority: 60
              parameters: {case: '${raised.entityId}'}
          suppress:
            scopes: [marketing, sales]
            releaseOn: [issue.resolved]
            maxDuration: 1h
          """);

  private static JourneyHarness harness(int maxRecent) throws Exception {
    return harness(maxRecent, new EmbeddedRocksDBStateBackend());
  }

  /** Counting state entries needs the heap backend; everything else runs on RocksDB. */
  private static JourneyHarness harness(int maxRecent, StateBackend backend) throws Exception {
    return harness(RULES, maxRecent, backend);
  }

  private static JourneyHarness harness(RuleSet rules, int maxRecent, StateBackend backend)
      throws Exception {
    var harness = new JourneyHarness(function(rules, maxRecent), KEYS);
    harness.setStateBackend(backend);
    return harness;
  }

  private static final CustomerKeys KEYS = new CustomerKeys(List.of("customerId"));

  private static JourneyFunction function(RuleSet rules, int maxRecent) {
    return new JourneyFunction(
        rules, new DecisionEngine(POLICIES), SIGNALS, DECISIONS, ERASURES, FACTS,
        new JourneySettings(Duration.ofDays(30), maxRecent, Duration.ofDays(30),
            Duration.ofDays(90), "test-salt", Duration.ofDays(7)));
  }

  private static RuleMatch match(CustomerEvent opened) {
    return match("issue", 3, "raised", opened, opened.getOccurredAt());
  }

  /** A one-step match of {@code rule}, completed at {@code at}. */
  private static RuleMatch match(String rule, int version, String step, CustomerEvent event,
      java.time.Instant at) {
    return RuleMatch.newBuilder()
        .setCustomerId(event.getIdentities().get("customerId"))
        .setRuleId(rule)
        .setRuleVersion(version)
        .setMatchedAt(at)
        .setEvents(List.of(new MatchedEvent(step, event)))
        .build();
  }

  /** Feeds an event and the match it completes, as CEP would: the match at the event's time. */
  private static void openIssue(
      JourneyHarness h,
      CustomerEvent opened)
      throws Exception {
    long t = opened.getOccurredAt().toEpochMilli();
    h.feedEvent(new StreamRecord<>(opened, t));
    h.feedMatch(new StreamRecord<>(match(opened), t));
  }

  private static <T> List<T> sideOutput(
      JourneyHarness h,
      OutputTag<T> tag) {
    List<T> out = new ArrayList<>();
    if (h.getSideOutput(tag) != null) {
      h.getSideOutput(tag).forEach(r -> out.add(r.getValue()));
    }
    return out;
  }

  private static List<SuppressionSignal> signals(
      JourneyHarness h) {
    return sideOutput(h, SIGNALS);
  }

  @Test
  void matchBecomesActionWithContextAndOpensSuppressionOnce() throws Exception {
    try (var h = harness(20)) {
      h.open();
      openIssue(h, event("e1", "issue.opened", "c1", 10, "case-1"));
      h.processBothWatermarks(new Watermark(millis(10)));
      openIssue(h, event("e2", "issue.opened", "c1", 20, "case-2"));
      h.processBothWatermarks(new Watermark(millis(20)));

      List<Action> actions = h.extractOutputValues();
      assertThat(actions).hasSize(2);
      Action first = actions.get(0);
      assertThat(first.getActionType()).isEqualTo("HELP");
      assertThat(first.getChannel()).isEqualTo("email");
      assertThat(first.getParameters()).containsEntry("case", "case-1");
      assertThat(first.getRuleVersion()).isEqualTo(3);
      assertThat(first.getDecidedAt()).isEqualTo(at(10));
      assertThat(first.getContext().getRecentEvents()).extracting(ContextEvent::getEventId)
          .containsExactly("e1");
      assertThat(first.getContext().getOpenSuppressions()).hasSize(2);
      assertThat(actions.get(1).getActionId()).isNotEqualTo(first.getActionId());

      List<SuppressionSignal> signals = signals(h);
      assertThat(signals).hasSize(1);
      assertThat(signals.get(0).getState()).isEqualTo(SuppressionState.SUPPRESS);
      assertThat(signals.get(0).getScopes()).containsExactly("marketing", "sales");
      assertThat(signals.get(0).getUntil()).isEqualTo(at(70));
    }
  }

  /** As in the job: the facts of a timer leave as counts per rule and window, at watermarks. */
  @Test
  void factsLeaveCountedPerRuleAndWindowBeforeEachWatermark() throws Exception {
    OutputTag<org.apache.flink.api.java.tuple.Tuple2<String,
        io.journeyflow.schema.internal.MetricsAccumulator>> counts =
        new OutputTag<>("counts", io.journeyflow.jobs.analytics.FactCounts.type());
    JourneyOperator operator = new JourneyOperator(function(RULES, 20))
        .countingFacts(counts, Duration.ofHours(1));
    try (var h = new JourneyHarness(operator, KEYS)) {
      h.setStateBackend(new HashMapStateBackend());
      h.open();
      openIssue(h, event("e1", "issue.opened", "c1", 10, "case-1"));
      h.feedEvent(new StreamRecord<>(event("e2", "issue.resolved", "c1", 30), millis(30)));
      h.processBothWatermarks(new Watermark(millis(30)));

      assertThat(sideOutput(h, FACTS)).as("no fact leaves one by one").isEmpty();
      var out = sideOutput(h, counts);
      assertThat(out).extracting(c -> c.f0).containsOnly("issue");
      Map<String, Long> total = new java.util.TreeMap<>();
      out.forEach(c -> c.f1.getCounts().forEach((k, v) -> total.merge(k, v, Long::sum)));
      assertThat(total).containsEntry("entered", 1L).containsEntry("step:raised", 1L)
          .containsEntry("breakpoints", 1L).containsEntry("decision:SENT", 1L);
      // Sent before the watermark that passed their facts, at their facts' times.
      List<Object> order = new ArrayList<>(h.getOutput());
      assertThat(order.get(order.size() - 1)).isEqualTo(new Watermark(millis(30)));
      assertThat(h.getSideOutput(counts)).allSatisfy(
          r -> assertThat(r.getTimestamp()).isBetween(millis(10), millis(30)));
    }
  }

  @Test
  void releaseEventReleasesAndCleansState() throws Exception {
    try (var h = harness(20, new HashMapStateBackend())) {
      h.open();
      openIssue(h, event("e1", "issue.opened", "c1", 10, "case-1"));
      h.feedEvent(new StreamRecord<>(event("e2", "issue.resolved", "c1", 30), millis(30)));
      h.processBothWatermarks(new Watermark(millis(30)));

      List<SuppressionSignal> signals = signals(h);
      assertThat(signals).extracting(SuppressionSignal::getState)
          .containsExactly(SuppressionState.SUPPRESS, SuppressionState.RELEASE);
      SuppressionSignal release = signals.get(1);
      assertThat(release.getAt()).isEqualTo(at(30));
      assertThat(release.getScopes()).containsExactly("marketing", "sales");
      assertThat(release.getReason()).contains("issue.resolved");
      // Only the recent events and their count, the context (when the journey started), when
      // the follow-up ends, and the decision state remain; in it the send history (for caps),
      // when the rule last acted (for re-entry) and the sent action's repeat-contact follow-up.
      // The max-duration timer finds nothing to release (until the watermark nears it, it waits
      // in a far-timer list on the heap, in keyed state from the next checkpoint on).
      assertThat(h.numKeyedStateEntries()).isEqualTo(5);
      DecisionState left = decisionState(h).value();
      assertThat(left.getOpenSuppressions()).isEmpty();
      assertThat(left.getOpenedBy()).isEmpty();
      assertThat(left.getSends()).hasSize(1);
      assertThat(left.getEntered()).containsOnlyKeys("issue");
      assertThat(left.getFollowUps()).hasSize(1);
      h.processBothWatermarks(new Watermark(millis(200)));
      assertThat(signals(h)).hasSize(2);
      assertThat(h.numEventTimeTimers()).as("only the follow-up's end (its far list's timer)")
          .isOne();
      // Seven days after the action, the follow-up ends without another contact.
      h.processBothWatermarks(new Watermark(millis(10 + 7 * 24 * 60)));
      assertThat(h.numEventTimeTimers()).isZero();
      assertThat(h.numKeyedStateEntries()).isEqualTo(4);
      assertThat(decisionState(h).value().getFollowUps()).isEmpty();
      assertThat(sideOutput(h, FACTS)).filteredOn(f -> f.getKind().equals("FOLLOWED_UP"))
          .singleElement().satisfies(f -> assertThat(f.getFlag()).isFalse());
    }
  }

  @Test
  void maximumDurationReleasesByEventTimeTimer() throws Exception {
    try (var h = harness(20)) {
      h.open();
      openIssue(h, event("e1", "issue.opened", "c1", 10, "case-1"));
      h.processBothWatermarks(new Watermark(millis(69)));
      assertThat(signals(h)).hasSize(1);
      h.processBothWatermarks(new Watermark(millis(70)));
      List<SuppressionSignal> signals = signals(h);
      assertThat(signals).hasSize(2);
      assertThat(signals.get(1).getState()).isEqualTo(SuppressionState.RELEASE);
      assertThat(signals.get(1).getAt()).isEqualTo(at(70));
      assertThat(signals.get(1).getReason()).contains("maximum duration");
    }
  }

  @Test
  void policyInputNeverMovesEventTimeEvenWhenTheEventsAreIdle() throws Exception {
    try (var h = harness(20)) {
      h.open();
      openIssue(h, event("e1", "issue.opened", "c1", 10, "case-1"));
      h.processWatermark1(new Watermark(millis(10)));
      h.feedPolicies(noSmsPolicies());
      h.processWatermark2(new Watermark(Long.MAX_VALUE)); // e.g. a bounded control input ends
      h.processWatermarkStatus1(
          org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus.IDLE);
      h.processWatermarkStatus2(
          org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus.ACTIVE);
      // The suppression's maximum duration (1h) has not passed in event time: still open.
      assertThat(signals(h)).extracting(SuppressionSignal::getState)
          .containsExactly(SuppressionState.SUPPRESS);
      h.processWatermarkStatus1(
          org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus.ACTIVE);
      h.processWatermark1(new Watermark(millis(70)));
      assertThat(signals(h)).extracting(SuppressionSignal::getState)
          .containsExactly(SuppressionState.SUPPRESS, SuppressionState.RELEASE);
    }
  }

  /** The issue rule and a two-step promo rule, whose first step opens a journey. */
  private static RuleSet withPromo() {
    return new RuleSet(List.of(RULES.rule("issue"), TestRules.of("""
        id: promo
        version: 1
        journey: commerce
        within: 2h
        steps:
          - name: viewed
            eventTypes: [promo.viewed]
          - name: bought
            eventTypes: [order.placed]
        actions:
          - type: THANKS
        """).rule("promo")));
  }

  @Test
  void openJourneysOfAnOlderSavepointAreMovedToTheOneValuePerCustomer() throws Exception {
    RuleSet rules = withPromo();
    MapStateDescriptor<String, OpenJourney> legacyState = new MapStateDescriptor<>(
        JourneyFunction.OPEN_JOURNEYS, Types.STRING, new AvroTypeInfo<>(OpenJourney.class));
    OpenJourney promo = new OpenJourney("promo", "commerce", "viewed", at(5), at(5), null);
    OperatorSubtaskState older;
    try (var h = harness(rules, 20, new EmbeddedRocksDBStateBackend())) {
      h.open();
      // As a savepoint of an earlier version holds it: one map entry per rule.
      var backend = h.getOperator().getKeyedStateBackend();
      c1State(backend, legacyState).put("promo", promo);
      older = h.snapshot(1L, 1L);
    }
    try (var h = harness(rules, 20, new EmbeddedRocksDBStateBackend())) {
      h.initializeState(older);
      h.open();
      var backend = h.getOperator().getKeyedStateBackend();
      MapState<String, OpenJourney> legacy = c1State(backend, legacyState);

      openIssue(h, event("e1", "issue.opened", "c1", 10, "case-1"));
      h.processBothWatermarks(new Watermark(millis(10)));

      assertThat(h.extractOutputValues().get(0).getContext().getOpenJourneys())
          .containsExactly(promo);
      backend.setCurrentKey("c1");
      assertThat(legacy.isEmpty()).isTrue();
      ValueState<List<OpenJourney>> moved = c1State(backend, new ValueStateDescriptor<>(
          JourneyFunction.JOURNEYS, new ListSerializer<>(OpenJourneySerializer.INSTANCE)));
      assertThat(moved.value()).containsExactly(promo);
    }
  }

  @Test
  void openJourneysStoredAsAvroRecordsAreMigratedOnRestore() throws Exception {
    RuleSet rules = withPromo();
    OpenJourney promo = new OpenJourney("promo", "commerce", "viewed", at(5), at(6), "cart-1");
    OperatorSubtaskState older;
    try (var h = earlierVersion()) {
      // As a savepoint of 2026-12-02 (before the compact form) holds it: Avro records.
      var backend = h.getOperator().getKeyedStateBackend();
      c1State(backend, new ValueStateDescriptor<>(JourneyFunction.JOURNEYS,
          new ListTypeInfo<>(new AvroTypeInfo<>(OpenJourney.class)))).update(List.of(promo));
      older = h.snapshot(1L, 1L);
    }
    try (var h = harness(rules, 20, new EmbeddedRocksDBStateBackend())) {
      h.initializeState(older);
      h.open();
      openIssue(h, event("e1", "issue.opened", "c1", 10, "case-1"));
      h.processBothWatermarks(new Watermark(millis(10)));

      assertThat(h.extractOutputValues().get(0).getContext().getOpenJourneys())
          .containsExactly(promo);
      var backend = h.getOperator().getKeyedStateBackend();
      ValueState<List<OpenJourney>> migrated = c1State(backend, new ValueStateDescriptor<>(
          JourneyFunction.JOURNEYS, new ListSerializer<>(OpenJourneySerializer.INSTANCE)));
      assertThat(migrated.value()).containsExactly(promo);
    }
  }

  @Test
  void decisionStatesOfAnEarlierVersionMoveIntoOneValueAndKeepWorking() throws Exception {
    OpenSuppression marketing = new OpenSuppression("marketing", "issue", 3, "support",
        "issue open", "sig-1", at(10), at(70));
    MapStateDescriptor<String, OpenSuppression> openState = new MapStateDescriptor<>(
        JourneyFunction.OPEN_SUPPRESSIONS, Types.STRING, new AvroTypeInfo<>(OpenSuppression.class));
    ListStateDescriptor<Long> contactsState =
        new ListStateDescriptor<>(JourneyFunction.CONTACTS, Types.LONG);
    OperatorSubtaskState older;
    try (var h = earlierVersion()) {
      // As a savepoint before 2026-12-02 holds it: one state per kind, no timer checks (the
      // timers ask the suppressions while earlier states hold data).
      var backend = h.getOperator().getKeyedStateBackend();
      c1State(backend, openState).put("marketing", marketing);
      c1State(backend, contactsState).update(List.of(millis(5)));
      userTimerAt(h, millis(70)); // the suppression's end, as the earlier version asked
      older = h.snapshot(1L, 1L);
    }
    try (var h = harness(20)) {
      h.initializeState(older);
      h.open();
      h.processBothWatermarks(new Watermark(millis(70)));

      assertThat(signals(h)).singleElement().satisfies(signal -> {
        assertThat(signal.getState()).isEqualTo(SuppressionState.RELEASE);
        assertThat(signal.getReason()).isEqualTo("maximum duration reached");
      });
      DecisionState moved = decisionState(h).value();
      assertThat(moved.getOpenSuppressions()).isEmpty();
      assertThat(moved.getContactTimes()).containsExactly(millis(5));
      var backend = h.getOperator().getKeyedStateBackend();
      assertThat(c1State(backend, openState).isEmpty()).isTrue();
      assertThat(c1State(backend, contactsState).get()).isNullOrEmpty();
    }
  }

  @Test
  void aJobRestoredFromItsOwnCheckpointReadsNoEarlierStates() throws Exception {
    OperatorSubtaskState own;
    long entries;
    try (var h = harness(20, new HashMapStateBackend())) {
      h.open();
      h.feedEvent(new StreamRecord<>(event("v1", "page.viewed", "c1", 5), millis(5)));
      h.processBothWatermarks(new Watermark(millis(5)));
      entries = h.numKeyedStateEntries();
      own = h.snapshot(1L, 1L);
    }
    try (var h = harness(20, new HashMapStateBackend())) {
      h.initializeState(own);
      h.open();
      // An approval looks for the held action in the decision state, which c1 does not have:
      // were an earlier state holding data, it would be read, and an empty value kept.
      CustomerEvent approval = event("a1", "approval.granted", "c1", 6);
      approval.getAttributes().put("actionId", "no-such-action");
      h.feedEvent(new StreamRecord<>(approval, millis(6)));
      h.processBothWatermarks(new Watermark(millis(6)));
      assertThat(h.numKeyedStateEntries()).isEqualTo(entries); // the recent events, their count
      assertThat(decisionState(h).value()).isNull();
    }
  }

  @Test
  void eventsAndMatchesBufferedByAnEarlierVersionAreDecidedAfterTheRestore() throws Exception {
    CustomerEvent opened = event("e1", "issue.opened", "c1", 10, "case-1");
    MapStateDescriptor<Long, List<CustomerEvent>> eventsState = new MapStateDescriptor<>(
        JourneyFunction.PENDING_EVENTS, Types.LONG,
        new ListTypeInfo<>(new AvroTypeInfo<>(CustomerEvent.class)));
    MapStateDescriptor<Long, List<RuleMatch>> matchesState = new MapStateDescriptor<>(
        JourneyFunction.PENDING_MATCHES, Types.LONG,
        new ListTypeInfo<>(new AvroTypeInfo<>(RuleMatch.class)));
    OperatorSubtaskState older;
    try (var h = earlierVersion()) {
      // As a savepoint before 2026-12-07 holds them: two buffers, one timer at their time.
      var backend = h.getOperator().getKeyedStateBackend();
      c1State(backend, eventsState).put(millis(10), List.of(opened));
      c1State(backend, matchesState).put(millis(10), List.of(match(opened)));
      userTimerAt(h, millis(10));
      older = h.snapshot(1L, 1L);
    }
    try (var h = harness(20)) {
      h.initializeState(older);
      h.open();
      h.processBothWatermarks(new Watermark(millis(10)));

      assertIssueE1Decided(h);
      var backend = h.getOperator().getKeyedStateBackend();
      assertThat(c1State(backend, eventsState).isEmpty()).isTrue();
      assertThat(c1State(backend, matchesState).isEmpty()).isTrue();
    }
  }

  @Test
  void inputsWaitOnTheHeapAndSurviveARestore() throws Exception {
    OperatorSubtaskState snapshot;
    try (var h = harness(20)) {
      h.open();
      openIssue(h, event("e1", "issue.opened", "c1", 10, "case-1"));
      assertThat(pendingInKeyedState(h)).as("no keyed buffer entry").isNull();
      snapshot = h.snapshot(1L, 1L);
    }
    try (var h = harness(20)) {
      h.initializeState(snapshot);
      h.open();
      h.processBothWatermarks(new Watermark(millis(10)));
      assertIssueE1Decided(h);
    }
  }

  /**
   * A suppression's end an hour ahead waits in a far-timer list (FarTimers), survives a restore
   * there, and releases at the same watermark as a Flink timer would.
   */
  @Test
  void aSuppressionsEndFarAheadReleasesAtItsTimeAfterARestore() throws Exception {
    List<SuppressionState> direct;
    try (var h = new JourneyHarness(
        new JourneyOperator(function(RULES, 20)).withFarTimers(Duration.ZERO), KEYS)) {
      h.setStateBackend(new EmbeddedRocksDBStateBackend());
      h.open();
      openIssue(h, event("e1", "issue.opened", "c1", 10, "case-1"));
      h.processBothWatermarks(new Watermark(millis(69)));
      h.processBothWatermarks(new Watermark(millis(70)));
      direct = signals(h).stream().map(SuppressionSignal::getState).toList();
    }
    assertThat(direct).containsExactly(SuppressionState.SUPPRESS, SuppressionState.RELEASE);

    OperatorSubtaskState snapshot;
    try (var h = new JourneyHarness(
        new JourneyOperator(function(RULES, 20)).withFarTimers(Duration.ofMinutes(1)), KEYS)) {
      h.setStateBackend(new EmbeddedRocksDBStateBackend());
      h.open();
      openIssue(h, event("e1", "issue.opened", "c1", 10, "case-1"));
      h.processBothWatermarks(new Watermark(millis(10)));
      assertThat(signals(h)).extracting(SuppressionSignal::getState)
          .containsExactly(SuppressionState.SUPPRESS);
      snapshot = h.snapshot(1L, 1L);
    }
    try (var h = new JourneyHarness(
        new JourneyOperator(function(RULES, 20)).withFarTimers(Duration.ofMinutes(1)), KEYS)) {
      h.setStateBackend(new EmbeddedRocksDBStateBackend());
      h.initializeState(snapshot);
      h.open();
      h.processBothWatermarks(new Watermark(millis(69)));
      assertThat(signals(h)).as("not before its end").isEmpty();
      h.processBothWatermarks(new Watermark(millis(70)));
      SuppressionSignal release = signals(h).get(0);
      assertThat(release.getState()).isEqualTo(SuppressionState.RELEASE);
      assertThat(release.getAt()).isEqualTo(at(70));
    }
  }

  @Test
  void inputsOnTheHeapNeedNoTimerAndKeepTheirPlaceAmongTheTimers() throws Exception {
    try (var h = harness(20)) {
      h.open();
      openIssue(h, event("e1", "issue.opened", "c1", 10, "case-1"));
      assertThat(h.numEventTimeTimers()).isZero();
      h.processBothWatermarks(new Watermark(millis(10)));
      // A second issue at minute 80, released by the same watermark as the end at minute 70:
      // the first suppression ends before the second issue opens one again.
      openIssue(h, event("e2", "issue.opened", "c1", 80, "case-2"));
      h.processBothWatermarks(new Watermark(millis(80)));
      assertThat(signals(h)).extracting(SuppressionSignal::getState).containsExactly(
          SuppressionState.SUPPRESS, SuppressionState.RELEASE, SuppressionState.SUPPRESS);
    }
  }

  @Test
  void inputsBeyondTheHeapLimitWaitInKeyedStateAndAreDecidedAsWell() throws Exception {
    OperatorSubtaskState snapshot;
    try (var h = new JourneyHarness(function(RULES, 20).withHeapBuffer(1), KEYS)) {
      h.setStateBackend(new EmbeddedRocksDBStateBackend());
      h.open();
      openIssue(h, event("e1", "issue.opened", "c1", 10, "case-1")); // the match: over the limit
      assertThat(pendingInKeyedState(h)).singleElement()
          .satisfies(i -> assertThat(i.isRight()).isTrue());
      snapshot = h.snapshot(1L, 1L);
    }
    try (var h = new JourneyHarness(function(RULES, 20).withHeapBuffer(1), KEYS)) {
      h.setStateBackend(new EmbeddedRocksDBStateBackend());
      h.initializeState(snapshot);
      h.open();
      h.processBothWatermarks(new Watermark(millis(10)));
      assertIssueE1Decided(h);
      assertThat(pendingInKeyedState(h)).isNull();
    }
  }

  @Test
  void inputsOnTheHeapGoToTheSubtaskOfTheirCustomerWhenRescaled() throws Exception {
    int maxParallelism = 128;
    List<String> customers = List.of("c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8");
    OperatorSubtaskState one;
    try (var h = new JourneyHarness(function(RULES, 20), KEYS, maxParallelism, 1, 0)) {
      h.setStateBackend(new EmbeddedRocksDBStateBackend());
      h.open();
      for (String c : customers) {
        openIssue(h, event("e-" + c, "issue.opened", c, 10, "case-" + c));
      }
      one = h.snapshot(1L, 1L);
    }
    List<String> decided = new ArrayList<>();
    for (int subtask = 0; subtask < 2; subtask++) {
      OperatorSubtaskState part = AbstractStreamOperatorTestHarness.repartitionOperatorState(
          one, maxParallelism, 1, 2, subtask);
      try (var h = new JourneyHarness(function(RULES, 20), KEYS, maxParallelism, 2, subtask)) {
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        h.initializeState(part);
        h.open();
        h.processBothWatermarks(new Watermark(millis(10)));
        List<String> here = h.extractOutputValues().stream().map(Action::getCustomerId).toList();
        assertThat(here).as("subtask %d decides some, not all", subtask)
            .isNotEmpty().hasSizeLessThan(customers.size());
        decided.addAll(here);
      }
    }
    assertThat(decided).containsExactlyInAnyOrderElementsOf(customers);
  }

  /** One action for issue e1 of c1, with e1 in its context, and the suppression it opens. */
  private static void assertIssueE1Decided(JourneyHarness h) {
    assertThat(h.extractOutputValues()).singleElement()
        .satisfies(a -> assertThat(a.getContext().getRecentEvents())
            .extracting(ContextEvent::getEventId).containsExactly("e1"));
    assertThat(signals(h)).extracting(SuppressionSignal::getState)
        .containsExactly(SuppressionState.SUPPRESS);
  }

  /** What c1 has in the keyed buffer at minute 10. */
  private static List<Either<CustomerEvent, RuleMatch>> pendingInKeyedState(JourneyHarness h)
      throws Exception {
    var backend = h.getOperator().getKeyedStateBackend();
    return c1State(backend, new MapStateDescriptor<>(JourneyFunction.PENDING, Types.LONG,
            new ListTypeInfo<>(new EitherTypeInfo<>(new AvroTypeInfo<>(CustomerEvent.class),
                new AvroTypeInfo<>(RuleMatch.class))))).get(millis(10));
  }

  /** {@code descriptor}'s state of customer c1, made the backend's current key. */
  @SuppressWarnings("unchecked")
  private static <S extends State> S c1State(KeyedStateBackend<?> backend,
      StateDescriptor<S, ?> descriptor) throws Exception {
    ((KeyedStateBackend<Object>) backend).setCurrentKey("c1");
    return backend.getPartitionedState(
        VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, descriptor);
  }

  /** Registers an event-time timer of the current key in the operator's user timers. */
  private static void userTimerAt(
      KeyedOneInputStreamOperatorTestHarness<String, String, String> h, long at) {
    h.getOperator().getInternalTimerService("user-timers", VoidNamespaceSerializer.INSTANCE,
        new org.apache.flink.streaming.api.operators.Triggerable<String, VoidNamespace>() {
          @Override
          public void onEventTime(
              org.apache.flink.streaming.api.operators.InternalTimer<String, VoidNamespace> t) {}

          @Override
          public void onProcessingTime(
              org.apache.flink.streaming.api.operators.InternalTimer<String, VoidNamespace> t) {}
        }).registerEventTimeTimer(VoidNamespace.INSTANCE, at);
  }

  /** An opened harness of {@link NothingToDo} on RocksDB, current key c1. */
  private static KeyedOneInputStreamOperatorTestHarness<String, String, String> earlierVersion()
      throws Exception {
    var h = new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new NothingToDo()), (String key) -> key, Types.STRING);
    h.setStateBackend(new EmbeddedRocksDBStateBackend());
    h.open();
    h.getOperator().getKeyedStateBackend().setCurrentKey("c1");
    return h;
  }

  /** An operator that only holds state written by a test, as an older version left it. */
  private static final class NothingToDo extends KeyedProcessFunction<String, String, String> {
    @Override
    public void processElement(String value, Context ctx, Collector<String> out) {}
  }

  @Test
  void timersCheckOneSmallValueThatFollowsTheOpenSuppressions() throws Exception {
    try (var h = harness(20)) {
      ValueState<long[]> stored = suppressedWithTimerChecks(h);
      assertThat(stored.value()).containsExactly(millis(70), TimerChecks.NONE);

      h.feedEvent(new StreamRecord<>(event("e2", "issue.resolved", "c1", 30), millis(30)));
      h.processBothWatermarks(new Watermark(millis(30)));
      h.getOperator().getKeyedStateBackend().setCurrentKey("c1");
      assertThat(stored.value()).isNull();
      assertThat(signals(h)).extracting(SuppressionSignal::getState)
          .containsExactly(SuppressionState.SUPPRESS, SuppressionState.RELEASE);
    }
  }

  /** Opens a suppression for c1 at minute 10; returns c1's timer checks (current key c1). */
  private static ValueState<long[]> suppressedWithTimerChecks(JourneyHarness h) throws Exception {
    h.open();
    openIssue(h, event("e1", "issue.opened", "c1", 10, "case-1"));
    h.processBothWatermarks(new Watermark(millis(10)));
    var backend = h.getOperator().getKeyedStateBackend();
    return c1State(backend, new ValueStateDescriptor<>(JourneyFunction.TIMER_CHECKS,
            PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
  }

  /** The decision state of c1 (made the current key). */
  private static ValueState<DecisionState> decisionState(JourneyHarness h) throws Exception {
    var backend = h.getOperator().getKeyedStateBackend();
    return c1State(backend, new ValueStateDescriptor<>(JourneyFunction.DECISION_STATE,
            new AvroTypeInfo<>(DecisionState.class)));
  }

  @Test
  void openSuppressionSurvivesSnapshotAndRestore() throws Exception {
    OperatorSubtaskState snapshot;
    String suppressId;
    try (var h = harness(20)) {
      h.open();
      openIssue(h, event("e1", "issue.opened", "c1", 10, "case-1"));
      h.processBothWatermarks(new Watermark(millis(10)));
      suppressId = signals(h).get(0).getSignalId();
      snapshot = h.snapshot(1L, 1L);
    }
    try (var restored = harness(20)) {
      restored.initializeState(snapshot);
      restored.open();
      // Still open: a second match does not signal again.
      openIssue(restored, event("e2", "issue.opened", "c1", 20, "case-2"));
      restored.feedEvent(
          new StreamRecord<>(event("e3", "issue.resolved", "c1", 30), millis(30)));
      restored.processBothWatermarks(new Watermark(millis(30)));
      List<SuppressionSignal> signals = signals(restored);
      assertThat(signals).hasSize(1);
      assertThat(signals.get(0).getState()).isEqualTo(SuppressionState.RELEASE);
      assertThat(restored.extractOutputValues()).hasSize(1);
      assertThat(signals.get(0).getSignalId()).isNotEqualTo(suppressId);
    }
  }

  @Test
  void decidesInEventTimeOrderWhateverTheArrivalOrder() throws Exception {
    try (var h = harness(3)) {
      h.open();
      // The match arrives before earlier events of the same customer do.
      CustomerEvent opened = event("e9", "issue.opened", "c1", 50, "case-1");
      h.feedMatch(new StreamRecord<>(match(opened), millis(50)));
      h.feedEvent(new StreamRecord<>(opened, millis(50)));
      for (int i = 1; i <= 4; i++) {
        h.feedEvent(new StreamRecord<>(event("p" + i, "page.viewed", "c1", i), millis(i)));
      }
      h.feedEvent(new StreamRecord<>(event("later", "page.viewed", "c1", 60), millis(60)));
      h.processBothWatermarks(new Watermark(millis(60)));
      Action action = h.extractOutputValues().get(0);
      // Bounded to 3, newest last, and nothing from after the match.
      assertThat(action.getContext().getRecentEvents()).extracting(ContextEvent::getEventId)
          .containsExactly("p3", "p4", "e9");
    }
  }

  @Test
  void recentEventsStayBoundedByCountAndAgeAcrossManyEvents() throws Exception {
    try (var h = harness(3)) {
      h.open();
      for (int i = 1; i <= 9; i++) { // more than twice the bound: the stored list is trimmed
        h.feedEvent(new StreamRecord<>(event("p" + i, "page.viewed", "c1", i), millis(i)));
        h.processBothWatermarks(new Watermark(millis(i)));
      }
      // 30 days (the age limit) after p8: only p8, p9 and the match's event are recent.
      long at = 8 + Duration.ofDays(30).toMinutes();
      CustomerEvent opened = event("e9", "issue.opened", "c1", at, "case-1");
      h.feedEvent(new StreamRecord<>(opened, millis(at)));
      h.feedMatch(new StreamRecord<>(match(opened), millis(at)));
      h.processBothWatermarks(new Watermark(millis(at)));
      Action action = h.extractOutputValues().get(0);
      assertThat(action.getContext().getRecentEvents()).extracting(ContextEvent::getEventId)
          .containsExactly("p8", "p9", "e9");
    }
  }

  private static final OutputTag<io.journeyflow.schema.internal.IdentityMessage> TRANSFERS =
      new OutputTag<>("transfers",
          new AvroTypeInfo<>(io.journeyflow.schema.internal.IdentityMessage.class));

  /** As the job runs it with identity resolution: keyed by the stamped customer, hand-overs on. */
  private static JourneyHarness handOverHarness() throws Exception {
    return handOverHarness(RULES);
  }

  private static JourneyHarness handOverHarness(RuleSet rules) throws Exception {
    var harness =
        new JourneyHarness(
            new JourneyFunction(
                rules, new DecisionEngine(POLICIES), SIGNALS, DECISIONS, ERASURES, FACTS,
                new JourneySettings(Duration.ofDays(30), 20, Duration.ofDays(30),
                    Duration.ofDays(90), "test-salt", Duration.ofDays(7)))
                .withTransfers(TRANSFERS),
            new CustomerKeys(List.of("customerId"), true));
    harness.setStateBackend(new EmbeddedRocksDBStateBackend());
    return harness;
  }

  @Test
  void anAbsorbedCustomerHandsOverItsStateAndTheSurvivorDecidesWhatStillArrives()
      throws Exception {
    List<io.journeyflow.schema.internal.IdentityMessage> handed;
    try (var h = handOverHarness()) {
      h.open();
      openIssue(h, event("e1", "issue.opened", "c1", 10, "case-1")); // suppresses c1
      h.processBothWatermarks(new Watermark(millis(10)));
      h.feedEvent(new StreamRecord<>(IdentityEvents.merged("c1", "customerId:c2", millis(20)),
          millis(20)));
      h.processBothWatermarks(new Watermark(millis(20)));
      // A journey begun here completes after the hand-over: the survivor decides it.
      openIssue(h, event("e2", "issue.opened", "c1", 30, "case-2"));
      h.processBothWatermarks(new Watermark(millis(30)));

      assertThat(h.extractOutputValues()).extracting(Action::getCustomerId)
          .containsExactly("c1"); // only the action decided before the merge
      handed = sideOutput(h, TRANSFERS);
      assertThat(handed).hasSize(2).allSatisfy(m -> {
        assertThat(m.getTarget()).isEqualTo("customerId:c2");
        assertThat(m.getFrom()).isEqualTo("c1");
      });
      var state = io.journeyflow.schema.internal.JourneyTransfer.fromByteBuffer(
          handed.get(0).getTransfer());
      assertThat(state.getOpenSuppressions()).extracting(OpenSuppression::getScope)
          .containsExactlyInAnyOrder("marketing", "sales");
      assertThat(state.getRecentEvents()).extracting(ContextEvent::getEventId)
          .containsExactly("e1");
      assertThat(state.getEntered()).as("when each rule last acted, for re-entry")
          .containsKey("issue");
      assertThat(state.getFollowUps()).as("analytics: the sent action waits for a contact")
          .hasSize(1);
      var forwarded = io.journeyflow.schema.internal.JourneyTransfer.fromByteBuffer(
          handed.get(1).getTransfer());
      assertThat(forwarded.getMatches()).hasSize(1);
      assertThat(forwarded.getRecentEvents()).extracting(ContextEvent::getEventId)
          .containsExactly("e2");
    }
    try (var s = handOverHarness()) {
      s.open();
      long at = millis(21);
      for (var m : handed) {
        s.feedEvent(new StreamRecord<>(
            IdentityEvents.transfer("c1", "c2", m.getTransfer(), at), at));
        at += millis(10) - millis(0);
      }
      s.processBothWatermarks(new Watermark(millis(40)));
      // The forwarded match becomes the survivor's action, with the absorbed context.
      assertThat(s.extractOutputValues()).singleElement().satisfies(a -> {
        assertThat(a.getCustomerId()).isEqualTo("c2");
        assertThat(a.getContext().getRecentEvents()).extracting(ContextEvent::getEventId)
            .containsExactly("e1", "e2");
        assertThat(a.getContext().getOpenSuppressions()).isNotEmpty();
      });
      // The suppression opened under c1 is released by c2's resolution.
      s.feedEvent(new StreamRecord<>(event("r1", "issue.resolved", "c2", 50), millis(50)));
      s.processBothWatermarks(new Watermark(millis(50)));
      assertThat(signals(s)).singleElement().satisfies(sig -> {
        assertThat(sig.getState()).isEqualTo(SuppressionState.RELEASE);
        assertThat(sig.getCustomerId()).isEqualTo("c2");
      });
      // Analytics moved too: a contact to the survivor follows up both actions, the one
      // decided for c1 before the merge included.
      s.feedEvent(new StreamRecord<>(event("k1", "contact.started", "c2", 55), millis(55)));
      s.processBothWatermarks(new Watermark(millis(55)));
      assertThat(sideOutput(s, FACTS)).filteredOn(f -> f.getKind().equals("FOLLOWED_UP"))
          .hasSize(2).allSatisfy(f -> assertThat(f.getFlag()).isTrue());
    }
  }

  @Test
  void aHandOverToACustomerAbsorbedMeanwhileGoesOnToItsSurvivor() throws Exception {
    try (var h = handOverHarness()) {
      h.open();
      absorbC1IntoC2At10(h);
      // c0 was absorbed by c1 just before c1 by c2: c0's hand-over reaches c1 too late.
      var state = io.journeyflow.schema.internal.JourneyTransfer.newBuilder()
          .setAbsorbedId("c0").setSurvivingId("customerId:c1")
          .setContactTimes(List.of(millis(5))).build().toByteBuffer();
      h.feedEvent(new StreamRecord<>(IdentityEvents.transfer("c0", "c1", state, millis(20)),
          millis(20)));
      h.processBothWatermarks(new Watermark(millis(20)));

      assertThat(sideOutput(h, TRANSFERS)).singleElement().satisfies(m -> {
        assertThat(m.getTarget()).isEqualTo("customerId:c2");
        assertThat(m.getFrom()).isEqualTo("c1");
        assertThat(io.journeyflow.schema.internal.JourneyTransfer.fromByteBuffer(
            m.getTransfer()).getContactTimes()).containsExactly(millis(5));
      });
    }
  }

  @Test
  void copiesOfTheSurvivorsEventsOnlyCompleteWhatTheAbsorbedCustomerBegan() throws Exception {
    try (var h = handOverHarness()) {
      h.open();
      absorbC1IntoC2At10(h);
      // A copy of c2's event, evaluated under c1 for c1's partial matches: not c1's event.
      CustomerEvent copy = event("s1", "issue.opened", "c1", 20, "case-1");
      copy.setCustomerKey("c1");
      copy.setShadowOf("c2");
      h.feedEvent(new StreamRecord<>(copy, millis(20)));
      // Made of copies only: c2 matched the same events itself.
      h.feedMatch(new StreamRecord<>(match(copy), millis(20)));
      // Begun with c1's own event, completed with a copy: c2 decides it.
      CustomerEvent own = event("o1", "issue.opened", "c1", 5, "case-2");
      RuleMatch mixed = RuleMatch.newBuilder(match(copy))
          .setEvents(List.of(new MatchedEvent("raised", own), new MatchedEvent("raised", copy)))
          .build();
      h.feedMatch(new StreamRecord<>(mixed, millis(20)));
      h.processBothWatermarks(new Watermark(millis(20)));

      assertThat(h.extractOutputValues()).isEmpty();
      assertThat(sideOutput(h, TRANSFERS)).singleElement().satisfies(m -> {
        var forwarded = io.journeyflow.schema.internal.JourneyTransfer.fromByteBuffer(
            m.getTransfer());
        assertThat(forwarded.getRecentEvents()).isEmpty();
        assertThat(forwarded.getMatches()).singleElement()
            .satisfies(f -> assertThat(f.getEvents()).extracting(e -> e.getEvent().getEventId())
                .containsExactly("o1", "s1"));
      });
    }
  }

  /** c1's journey hears at minute 10 that customerId:c2 absorbed it. */
  private static void absorbC1IntoC2At10(JourneyHarness h) throws Exception {
    h.feedEvent(new StreamRecord<>(IdentityEvents.merged("c1", "customerId:c2", millis(10)),
        millis(10)));
    h.processBothWatermarks(new Watermark(millis(10)));
  }

  private static final RuleSet PROMO =
      TestRules.of(
          """
          id: promo
          version: 1
          description: An offer
          journey: growth
          within: 1h
          steps:
            - {name: offered, eventTypes: [promo.offered]}
          actions:
            - {type: OFFER, channel: sms, purpose: marketing}
          """);

  /** The bundled policies with a new version and no SMS at all (a cap of 0 a day). */
  static String noSmsPolicies() throws java.io.IOException {
    try (var in = PolicyLoader.class.getClassLoader().getResourceAsStream(PolicyLoader.CLASSPATH)) {
      String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      String changed = text.replace("version: \"2026-11-24.1\"", "version: \"no-sms\"")
          .replace("{purpose: any, channel: sms, max: 1, per: calendar-day}",
              "{purpose: any, channel: sms, max: 0, per: calendar-day}");
      assertThat(changed).contains("no-sms").contains("max: 0");
      return changed;
    }
  }

  private static void consentToSmsMarketing(JourneyHarness h) throws Exception {
    CustomerEvent consent = event("c", "consent.changed", "c1", 1);
    consent.getAttributes().putAll(java.util.Map.of("channel", "sms", "purpose", "marketing",
        "granted", true));
    h.feedEvent(new StreamRecord<>(consent, millis(1)));
  }

  private static void offer(JourneyHarness h, String id, long minute) throws Exception {
    CustomerEvent offered = event(id, "promo.offered", "c1", minute);
    h.feedEvent(new StreamRecord<>(offered, millis(minute)));
    h.feedMatch(new StreamRecord<>(
        match("promo", 1, "offered", offered, offered.getOccurredAt()), millis(minute)));
  }

  @Test
  void marketingInQuietHoursIsDeferredByTimerThenSent() throws Exception {
    try (var h = harness(PROMO, 20, new EmbeddedRocksDBStateBackend())) {
      h.open();
      consentToSmsMarketing(h);
      offer(h, "o", 10); // 00:10 UTC: quiet hours
      h.processBothWatermarks(new Watermark(millis(10)));
      assertThat(h.extractOutputValues()).isEmpty();
      List<Decision> decisions = decisions(h);
      assertThat(decisions).extracting(Decision::getOutcome)
          .containsExactly(DecisionOutcome.DEFERRED);
      assertThat(decisions.get(0).getDeferredUntil()).isEqualTo(at(8 * 60));

      h.processBothWatermarks(new Watermark(millis(8 * 60 - 1)));
      assertThat(h.extractOutputValues()).isEmpty();
      h.processBothWatermarks(new Watermark(millis(8 * 60)));
      Action sent = h.extractOutputValues().get(0);
      assertThat(sent.getChannel()).isEqualTo("sms");
      assertThat(sent.getDecidedAt()).isEqualTo(at(8 * 60));
      assertThat(decisions(h)).extracting(Decision::getOutcome)
          .containsExactly(DecisionOutcome.DEFERRED, DecisionOutcome.SENT);
      assertThat(decisions(h).get(1).getActionId()).isEqualTo(sent.getActionId());
    }
  }

  @Test
  void policyUpdateAppliesToLaterDecisionsAndSurvivesRestore() throws Exception {
    OperatorSubtaskState snapshot;
    try (var h = harness(PROMO, 20, new EmbeddedRocksDBStateBackend())) {
      h.open();
      consentToSmsMarketing(h);
      offer(h, "o1", 10); // 00:10 UTC: deferred to 08:00 by the starting policies
      h.processBothWatermarks(new Watermark(millis(10)));
      assertThat(decisions(h)).extracting(d -> d.getOutcome() + " " + d.getPolicyVersion())
          .containsExactly("DEFERRED 2026-11-24.1");

      h.feedPolicies(noSmsPolicies());
      // The deferred action is decided again under the policies in force at 08:00.
      h.processBothWatermarks(new Watermark(millis(8 * 60)));
      assertThat(h.extractOutputValues()).isEmpty();
      Decision capped = decisions(h).get(1);
      assertThat(capped.getOutcome()).isEqualTo(DecisionOutcome.BLOCKED);
      assertThat(capped.getReason()).isEqualTo("CAPPED");
      assertThat(capped.getPolicyVersion()).isEqualTo("no-sms");
      assertThat(capped.getPolicyValues()).containsEntry("cap.any.sms.calendar-day", "0/0");
      snapshot = h.snapshot(1L, 1L);
    }
    // The broadcast state is part of the snapshot: a restored job keeps the update.
    try (var restored = harness(PROMO, 20, new EmbeddedRocksDBStateBackend())) {
      restored.initializeState(snapshot);
      restored.open();
      offer(restored, "o2", 10 * 60); // 10:00 UTC: no quiet hours, and still no SMS
      restored.processBothWatermarks(new Watermark(millis(10 * 60)));
      assertThat(decisions(restored))
          .extracting(d -> d.getOutcome() + " " + d.getReason() + " " + d.getPolicyVersion())
          .containsExactly("BLOCKED CAPPED no-sms");
    }
  }

  private static RuleSet twoRules(int priorityA, int priorityB) {
    String rule = """
        id: %s
        version: 1
        description: d
        journey: j
        within: 1h
        steps: [{name: x, eventTypes: [thing.happened]}]
        actions: [{type: %s, channel: email, priority: %d}]
        """;
    return TestRules.of(rule.formatted("beta", "TELL_B", priorityB),
        rule.formatted("alpha", "TELL_A", priorityA));
  }

  private static List<Decision> contest(RuleSet rules) throws Exception {
    try (var h = harness(rules, 20, new EmbeddedRocksDBStateBackend())) {
      h.open();
      CustomerEvent e = event("e1", "thing.happened", "c1", 10);
      h.feedEvent(new StreamRecord<>(e, millis(10)));
      for (String rule : List.of("beta", "alpha")) {
        h.feedMatch(new StreamRecord<>(
            match(rule, 1, "x", e, e.getOccurredAt()), millis(10)));
      }
      h.processBothWatermarks(new Watermark(millis(10)));
      assertThat(h.extractOutputValues()).hasSize(1);
      return decisions(h);
    }
  }

  @Test
  void simultaneousCandidatesAreArbitratedByPriority() throws Exception {
    List<Decision> d = contest(twoRules(20, 80));
    assertThat(d).extracting(x -> x.getRuleId() + " " + x.getOutcome() + " " + x.getReason())
        .containsExactlyInAnyOrder("beta SENT null", "alpha BLOCKED ARBITRATED_OUT");
    Decision lost = d.stream().filter(x -> x.getRuleId().equals("alpha")).findFirst().get();
    assertThat(lost.getPolicyValues()).containsEntry("arbitration.winner",
        "TELL_B of rule beta, priority 80");
  }

  @Test
  void arbitrationTieIsBrokenDeterministicallyByRuleId() throws Exception {
    assertThat(contest(twoRules(50, 50)))
        .extracting(x -> x.getRuleId() + " " + x.getOutcome())
        .containsExactlyInAnyOrder("alpha SENT", "beta BLOCKED");
  }

  private static final RuleSet CREDIT =
      TestRules.of(
          """
          id: credit
          version: 1
          description: A goodwill credit
          journey: billing
          within: 1h
          steps:
            - {name: failed, eventTypes: [payment.failed]}
          actions:
            - {type: ISSUE_CREDIT, priority: 90, requiresApproval: true}
          """);

  /** Customer c1's payment fails at minute 10: the credit rule asks for approval. */
  private static void requestCredit(JourneyHarness h) throws Exception {
    CustomerEvent failed = event("f", "payment.failed", "c1", 10);
    h.feedEvent(new StreamRecord<>(failed, millis(10)));
    h.feedMatch(new StreamRecord<>(
        match("credit", 1, "failed", failed, failed.getOccurredAt()), millis(10)));
    h.processBothWatermarks(new Watermark(millis(10)));
  }

  /** A credit request at minute 10, then {@code answer} (or nothing) at minute 20. */
  private static List<Decision> approval(String answer, long watermarkMinutes,
      List<Action> sent) throws Exception {
    try (var h = harness(CREDIT, 20, new EmbeddedRocksDBStateBackend())) {
      h.open();
      requestCredit(h);
      List<Decision> first = decisions(h);
      assertThat(first).extracting(Decision::getOutcome)
          .containsExactly(DecisionOutcome.PENDING_APPROVAL);
      assertThat(h.extractOutputValues()).isEmpty();
      if (answer != null) {
        CustomerEvent reply = event("r", answer, "c1", 20);
        reply.getAttributes().put("actionId", first.get(0).getActionId());
        h.feedEvent(new StreamRecord<>(reply, millis(20)));
      }
      h.processBothWatermarks(new Watermark(millis(watermarkMinutes)));
      sent.addAll(h.extractOutputValues());
      return decisions(h);
    }
  }

  @Test
  void anActionAwaitingApprovalMovesWithAMergeAndIsSentWhenApproved() throws Exception {
    List<io.journeyflow.schema.internal.IdentityMessage> handed;
    String actionId;
    try (var h = handOverHarness(CREDIT)) {
      h.open();
      requestCredit(h);
      actionId = decisions(h).get(0).getActionId();
      h.feedEvent(new StreamRecord<>(IdentityEvents.merged("c1", "customerId:c2", millis(15)),
          millis(15)));
      h.processBothWatermarks(new Watermark(millis(15)));
      handed = sideOutput(h, TRANSFERS);
    }
    try (var s = handOverHarness(CREDIT)) {
      s.open();
      s.feedEvent(new StreamRecord<>(
          IdentityEvents.transfer("c1", "c2", handed.get(0).getTransfer(), millis(16)),
          millis(16)));
      CustomerEvent reply = event("r", "approval.granted", "c2", 20);
      reply.getAttributes().put("actionId", actionId);
      s.feedEvent(new StreamRecord<>(reply, millis(20)));
      s.processBothWatermarks(new Watermark(millis(20)));
      assertThat(s.extractOutputValues()).singleElement().satisfies(a -> {
        assertThat(a.getActionType()).isEqualTo("ISSUE_CREDIT");
        assertThat(a.getCustomerId()).isEqualTo("c2");
      });
    }
  }

  @Test
  void grantedApprovalSendsTheAction() throws Exception {
    List<Action> sent = new ArrayList<>();
    List<Decision> d = approval("approval.granted", 20, sent);
    assertThat(d).extracting(Decision::getOutcome)
        .containsExactly(DecisionOutcome.PENDING_APPROVAL, DecisionOutcome.SENT);
    assertThat(sent).extracting(Action::getActionType).containsExactly("ISSUE_CREDIT");
    assertThat(sent.get(0).getDecidedAt()).isEqualTo(at(20));
  }

  @Test
  void rejectedApprovalBlocksTheAction() throws Exception {
    List<Action> sent = new ArrayList<>();
    List<Decision> d = approval("approval.rejected", 20, sent);
    assertThat(d).extracting(x -> x.getOutcome() + " " + x.getReason())
        .containsExactly("PENDING_APPROVAL null", "BLOCKED APPROVAL_REJECTED");
    assertThat(sent).isEmpty();
  }

  @Test
  void unansweredApprovalExpires() throws Exception {
    List<Action> sent = new ArrayList<>();
    // Not yet: one minute before 48 hours.
    assertThat(approval(null, 10 + 48 * 60 - 1, sent)).hasSize(1);
    List<Decision> d = approval(null, 10 + 48 * 60, sent);
    assertThat(d).extracting(x -> x.getOutcome() + " " + x.getReason())
        .containsExactly("PENDING_APPROVAL null", "BLOCKED APPROVAL_EXPIRED");
    assertThat(d.get(1).getDecidedAt()).isEqualTo(at(10 + 48 * 60));
    assertThat(sent).isEmpty();
  }

  @Test
  void policyHoldsCreditsAboveAnAmountForApproval() throws Exception {
    RuleSet credits = TestRules.of("""
        id: goodwill
        version: 1
        description: A goodwill credit
        journey: billing
        within: 1h
        steps:
          - {name: failed, eventTypes: [payment.failed]}
        actions:
          - {type: ISSUE_CREDIT, parameters: {amount: '${failed.attributes.amount}'}}
        """);
    List<String> outcomes = new ArrayList<>();
    for (double amount : new double[] {20.0, 80.0}) {
      try (var h = harness(credits, 20, new EmbeddedRocksDBStateBackend())) {
        h.open();
        CustomerEvent failed = event("f", "payment.failed", "c1", 10);
        failed.getAttributes().put("amount", amount);
        h.feedEvent(new StreamRecord<>(failed, millis(10)));
        h.feedMatch(new StreamRecord<>(
            match("goodwill", 1, "failed", failed, failed.getOccurredAt()), millis(10)));
        h.processBothWatermarks(new Watermark(millis(10)));
        Decision d = decisions(h).get(0);
        outcomes.add(amount + " " + d.getOutcome() + " "
            + d.getPolicyValues().getOrDefault("approval.by", "-"));
      }
    }
    assertThat(outcomes).containsExactly("20.0 SENT -",
        "80.0 PENDING_APPROVAL policy: ISSUE_CREDIT with amount above 50.0");
  }

  private static RuleSet journeyRule(String extra) {
    return TestRules.of("""
        id: credit
        version: 1
        description: A goodwill credit
        journey: billing
        within: 1h
        steps:
          - {name: failed, eventTypes: [payment.failed]}
        actions:
          - {type: ISSUE_CREDIT, priority: 90, requiresApproval: true}
        exitOn: [billing.issue.resolved]
        """ + extra);
  }

  private static void match(
      JourneyHarness h,
      String id, long startMinute, long matchMinute) throws Exception {
    CustomerEvent first = event(id, "payment.failed", "c1", startMinute);
    h.feedEvent(new StreamRecord<>(first, millis(startMinute)));
    h.feedMatch(new StreamRecord<>(
        match("credit", 1, "failed", first, at(matchMinute)), millis(matchMinute)));
  }

  @Test
  void exitEventCancelsWaitingActionsAndClosesOpenMatches() throws Exception {
    try (var h = harness(journeyRule(""), 20, new EmbeddedRocksDBStateBackend())) {
      h.open();
      match(h, "f1", 10, 10);
      h.processBothWatermarks(new Watermark(millis(10)));
      h.feedEvent(new StreamRecord<>(event("x", "billing.issue.resolved", "c1", 15),
          millis(15)));
      // A match that began before the exit completes afterwards: it is not acted on.
      match(h, "f2", 12, 30);
      h.processBothWatermarks(new Watermark(millis(30)));
      assertThat(decisions(h)).extracting(d -> d.getOutcome() + " " + d.getReason())
          .containsExactly("PENDING_APPROVAL null", "BLOCKED JOURNEY_EXITED",
              "BLOCKED JOURNEY_EXITED");
      assertThat(h.extractOutputValues()).isEmpty();
      // A journey that begins after the exit is a new one.
      match(h, "f3", 40, 40);
      h.processBothWatermarks(new Watermark(millis(40)));
      assertThat(decisions(h).get(3).getOutcome()).isEqualTo(DecisionOutcome.PENDING_APPROVAL);
    }
  }

  @Test
  void reentryNeverAndAfterAPeriod() throws Exception {
    for (String policy : List.of("reentry: never", "reentry: {after: 1h}")) {
      try (var h = harness(journeyRule(policy), 20, new EmbeddedRocksDBStateBackend())) {
        h.open();
        match(h, "a", 10, 10);
        match(h, "b", 30, 30);
        match(h, "c", 80, 80);
        h.processBothWatermarks(new Watermark(millis(80)));
        assertThat(decisions(h)).as(policy).extracting(d -> d.getOutcome() + " " + d.getReason())
            .containsExactly("PENDING_APPROVAL null", "BLOCKED REENTRY",
                policy.contains("never") ? "BLOCKED REENTRY" : "PENDING_APPROVAL null");
      }
    }
  }

  @Test
  void erasureRemovesAllStateAndDropsMatchesBegunBefore() throws Exception {
    try (var h = harness(RULES, 20, new HashMapStateBackend())) {
      h.open();
      // Open a suppression, a send record, context and a profile for c1.
      CustomerEvent consent = event("c", "consent.changed", "c1", 1);
      consent.getAttributes().putAll(java.util.Map.of("purpose", "marketing", "granted", true));
      h.feedEvent(new StreamRecord<>(consent, millis(1)));
      openIssue(h, event("e1", "issue.opened", "c1", 10, "case-1"));
      h.processBothWatermarks(new Watermark(millis(10)));
      // Recent events and their count, timer checks, the context and the decision state.
      assertThat(h.numKeyedStateEntries()).isEqualTo(6);

      h.feedEvent(new StreamRecord<>(event("x", "customer.erase", "c1", 20), millis(20)));
      // A match that began before the erasure completes afterwards.
      CustomerEvent early = event("e0", "issue.opened", "c1", 15, "case-2");
      h.feedMatch(new StreamRecord<>(match("issue", 3, "raised", early, at(25)), millis(25)));
      h.processBothWatermarks(new Watermark(millis(30)));

      assertThat(h.extractOutputValues()).hasSize(1); // only the action from before
      ErasureConfirmation confirmation = h.getSideOutput(ERASURES).poll().getValue();
      assertThat(confirmation.getCustomerId()).isEqualTo("c1");
      assertThat(confirmation.getRemoved()).contains("profile", "open-suppressions", "sends");
      // Nothing of the customer is left but the tombstone (and pending timers' no-ops).
      assertThat(h.numKeyedStateEntries()).isEqualTo(1);
      h.processBothWatermarks(new Watermark(millis(10_000)));
      assertThat(h.numKeyedStateEntries()).isEqualTo(1);
      assertThat(signals(h)).extracting(SuppressionSignal::getState)
          .containsExactly(SuppressionState.SUPPRESS);
    }
  }

  private static List<Decision> decisions(
      JourneyHarness h) {
    return sideOutput(h, DECISIONS);
  }

  @Test
  void sameInputGivesSameIds() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int run = 0; run < 2; run++) {
      try (var h = harness(20)) {
        h.open();
        openIssue(h, event("e1", "issue.opened", "c1", 10, "case-1"));
        h.processBothWatermarks(new Watermark(millis(10)));
        ids.add(h.extractOutputValues().get(0).getActionId() + signals(h).get(0).getSignalId());
      }
    }
    assertThat(ids.get(0)).isEqualTo(ids.get(1));
  }
}
