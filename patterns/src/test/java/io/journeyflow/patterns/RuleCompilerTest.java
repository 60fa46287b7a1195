package io.journeyflow.patterns;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.internal.MatchedEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.cep.CEP;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.nfa.compiler.NFACompiler;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.Collector;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Compiled rules run through Flink CEP in event time on a MiniCluster. Input is bounded, so the
 * final watermark fires every pending window at the end, as a job's end of input does.
 */
class RuleCompilerTest {

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(1)
              .build());

  private static final Instant BASE = Instant.parse("2026-01-01T00:00:00Z");

  static CustomerEvent e(String id, String type, long minutes, String entity,
      Map<String, Object> attributes) {
    return CustomerEvent.newBuilder()
        .setEventId(id)
        .setEventType(type)
        .setSource("test")
        .setOccurredAt(BASE.plus(Duration.ofMinutes(minutes)))
        .setIdentities(new HashMap<>(Map.of("customerId", "c1")))
        .setEntityId(entity)
        .setAttributes(new HashMap<>(attributes))
        .build();
  }

  static CustomerEvent e(String id, String type, long minutes) {
    return e(id, type, minutes, null, Map.of());
  }

  static CustomerEvent e(String id, String type, long minutes, String entity) {
    return e(id, type, minutes, entity, Map.of());
  }

  /** Event ids of each match, in step order, e.g. "1,3". */
  static List<String> matches(String yaml, CustomerEvent... events) throws Exception {
    Rule rule = RuleLoader.parse("t.yaml", yaml);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    var stream = env.fromData(new AvroTypeInfo<>(CustomerEvent.class), events)
        .assignTimestampsAndWatermarks(
            WatermarkStrategy.<CustomerEvent>forMonotonousTimestamps()
                .withTimestampAssigner(new EventTime()))
        .keyBy(new ByCustomer(), Types.STRING);
    List<String> out = new ArrayList<>();
    CEP.pattern(stream, RuleCompiler.compile(rule))
        .inEventTime()
        .process(new Ids(rule), Types.STRING)
        .executeAndCollect()
        .forEachRemaining(out::add);
    return out;
  }

  /** Event time is when the event occurred. */
  static final class EventTime implements SerializableTimestampAssigner<CustomerEvent> {
    @Override
    public long extractTimestamp(CustomerEvent event, long recordTimestamp) {
      return event.getOccurredAt().toEpochMilli();
    }
  }

  /** Keys by the customerId identity. */
  static final class ByCustomer implements KeySelector<CustomerEvent, String> {
    @Override
    public String getKey(CustomerEvent event) {
      return event.getIdentities().get("customerId");
    }
  }

  /** Joins the event ids of a match, in the order {@link MatchOrder} gives. */
  static final class Ids extends PatternProcessFunction<CustomerEvent, String> {
    private final Rule rule;

    Ids(Rule rule) {
      this.rule = rule;
    }

    @Override
    public void processMatch(Map<String, List<CustomerEvent>> match, Context ctx,
        Collector<String> out) {
      List<String> ids = new ArrayList<>();
      for (MatchedEvent m : MatchOrder.order(rule, match)) {
        ids.add(m.getEvent().getEventId());
      }
      out.collect(String.join(",", ids));
    }
  }

  /** A rule over {@code steps} with a one-hour window. */
  static String rule(String steps) {
    return "id: t\nversion: 1\ndescription: t\njourney: t\nwithin: 1h\nsteps:\n" + steps
        + "actions:\n  - type: ACT\n";
  }

  @Test
  void compileAppliesWindowAndSkipStrategy() {
    Pattern<CustomerEvent, CustomerEvent> p = RuleCompiler.compile(RuleLoader.parse("t.yaml",
        rule("  - {name: a, eventTypes: [x.a]}\n  - {name: b, eventTypes: [x.b]}\n")
            .replace("within: 1h", "within: 90m\nafterMatch: skipToNext")));
    assertThat(p.getName()).isEqualTo("b");
    assertThat(p.getWindowSize()).contains(Duration.ofMinutes(90));
    assertThat(p.getAfterMatchSkipStrategy()).isEqualTo(AfterMatchSkipStrategy.skipToNext());
    assertThat(p.getPrevious().getName()).isEqualTo("a");
  }

  @Test
  void relaxedContiguitySkipsOtherEvents() throws Exception {
    String yaml = rule("""
          - {name: a, eventTypes: [x.a]}
          - {name: b, eventTypes: [x.b]}
        """);
    assertThat(matches(yaml, e("1", "x.a", 0), e("2", "x.c", 1), e("3", "x.b", 2)))
        .containsExactly("1,3");
    // Wrong order: no match.
    assertThat(matches(yaml, e("1", "x.b", 0), e("2", "x.a", 1))).isEmpty();
  }

  @Test
  void strictContiguityNeedsTheVeryNextEvent() throws Exception {
    String yaml = rule("""
          - {name: a, eventTypes: [x.a]}
          - {name: b, eventTypes: [x.b], contiguity: strict}
        """);
    assertThat(matches(yaml, e("1", "x.a", 0), e("2", "x.c", 1), e("3", "x.b", 2))).isEmpty();
    assertThat(matches(yaml, e("1", "x.a", 0), e("2", "x.b", 1))).containsExactly("1,2");
  }

  @Test
  void anyContiguityTriesEveryLaterEvent() throws Exception {
    String yaml = rule("""
          - {name: a, eventTypes: [x.a]}
          - {name: b, eventTypes: [x.b], contiguity: any}
          - {name: c, eventTypes: [x.c]}
        """).replace("within: 1h", "within: 1h\nafterMatch: noSkip");
    assertThat(matches(yaml, e("1", "x.a", 0), e("2", "x.b", 1), e("3", "x.b", 2),
        e("4", "x.c", 3))).containsExactlyInAnyOrder("1,2,4", "1,3,4");
  }

  @Test
  void timesThreeNeedsExactlyThree() throws Exception {
    String yaml = rule("  - {name: contact, eventTypes: [contact.started], times: 3}\n");
    assertThat(matches(yaml, e("1", "contact.started", 0), e("2", "contact.started", 10)))
        .isEmpty();
    assertThat(matches(yaml, e("1", "contact.started", 0), e("2", "x.other", 5),
        e("3", "contact.started", 10), e("4", "contact.started", 20)))
        .containsExactly("1,3,4");
  }

  @Test
  void timesRange() throws Exception {
    String yaml = rule("""
          - {name: a, eventTypes: [x.a], times: {from: 2, to: 3}}
          - {name: b, eventTypes: [x.b]}
        """);
    assertThat(matches(yaml, e("1", "x.a", 0), e("2", "x.b", 1))).isEmpty();
    assertThat(matches(yaml, e("1", "x.a", 0), e("2", "x.a", 1), e("3", "x.b", 2)))
        .containsExactly("1,2,3");
  }

  @Test
  void strictRepeatsMustBeConsecutive() throws Exception {
    String yaml = rule("""
          - {name: a, eventTypes: [x.a]}
          - {name: b, eventTypes: [x.b], times: 2, contiguity: strict}
        """);
    assertThat(matches(yaml, e("1", "x.a", 0), e("2", "x.b", 1), e("3", "x.c", 2),
        e("4", "x.b", 3))).isEmpty();
    assertThat(matches(yaml, e("1", "x.a", 0), e("2", "x.b", 1), e("3", "x.b", 2)))
        .containsExactly("1,2,3");
  }

  @Test
  void oneOrMoreTakesEveryRepeatBeforeTheNextStep() throws Exception {
    String yaml = rule("""
          - {name: a, eventTypes: [x.a]}
          - {name: b, eventTypes: [x.b], oneOrMore: true}
          - {name: c, eventTypes: [x.c]}
        """);
    // Relaxed repeats: the longest run of b is one of the matches; skipPastLastEvent keeps
    // the first completed one, which CEP emits with all of the b's it buffered.
    assertThat(matches(yaml, e("1", "x.a", 0), e("2", "x.b", 1), e("3", "x.b", 2),
        e("4", "x.c", 3))).first().asString().startsWith("1,").endsWith(",4");
  }

  @Test
  void optionalStepMayBeMissing() throws Exception {
    String yaml = rule("""
          - {name: a, eventTypes: [x.a]}
          - {name: b, eventTypes: [x.b], optional: true}
          - {name: c, eventTypes: [x.c]}
        """);
    assertThat(matches(yaml, e("1", "x.a", 0), e("2", "x.c", 1))).containsExactly("1,2");
    assertThat(matches(yaml, e("1", "x.a", 0), e("2", "x.b", 1), e("3", "x.c", 2)))
        .containsExactly("1,2,3");
  }

  @Test
  void withinEdgeIsExclusive() throws Exception {
    String yaml = rule("""
          - {name: a, eventTypes: [x.a]}
          - {name: b, eventTypes: [x.b]}
        """);
    assertThat(matches(yaml, e("1", "x.a", 0), e("2", "x.b", 59))).containsExactly("1,2");
    assertThat(matches(yaml, e("1", "x.a", 0), e("2", "x.b", 60))).isEmpty();
  }

  @Test
  void conditionSeesEarlierStepsAndNumbersCompareAcrossTypes() throws Exception {
    String yaml = rule("""
          - {name: a, eventTypes: [x.a]}
          - name: b
            eventTypes: [x.b]
            condition: 'event.attributes.amount > 10 && event.entityId == a.entityId'
        """);
    assertThat(matches(yaml,
        e("1", "x.a", 0, "inv", Map.of()),
        e("2", "x.b", 1, "inv", Map.of("amount", 5.0)),
        e("3", "x.b", 2, "other", Map.of("amount", 50.0)),
        e("4", "x.b", 3, "inv", Map.of("amount", 42L)))).containsExactly("1,4");
  }

  @Test
  void conditionSeesTheLastEventOfARepeatedStep() throws Exception {
    String yaml = rule("""
          - {name: a, eventTypes: [x.a], times: 2}
          - name: b
            eventTypes: [x.b]
            condition: 'event.attributes.ref == a.attributes.n
              && event.occurredAt - a.occurredAt < duration("10m")'
        """);
    assertThat(matches(yaml,
        e("1", "x.a", 0, null, Map.of("n", 1L)),
        e("2", "x.a", 1, null, Map.of("n", 2L)),
        e("3", "x.b", 2, null, Map.of("ref", 1L)),
        e("4", "x.b", 20, null, Map.of("ref", 2L)))).isEmpty();
    assertThat(matches(yaml,
        e("1", "x.a", 0, null, Map.of("n", 1L)),
        e("2", "x.a", 1, null, Map.of("n", 2L)),
        e("3", "x.b", 2, null, Map.of("ref", 1L)),
        e("4", "x.b", 5, null, Map.of("ref", 2L)))).containsExactly("1,2,4");
  }

  @Test
  void conditionOverNullableChannel() throws Exception {
    String yaml = rule("""
          - {name: a, eventTypes: [x.a]}
          - {name: b, eventTypes: [x.b], condition: 'event.channel == null'}
        """);
    CustomerEvent onChat = e("2", "x.b", 1);
    onChat.setChannel("chat");
    assertThat(matches(yaml, e("1", "x.a", 0), onChat, e("3", "x.b", 2)))
        .containsExactly("1,3");
  }

  @Test
  void evaluationErrorCountsAsFalse() throws Exception {
    String yaml = rule("""
          - {name: a, eventTypes: [x.a], condition: 'event.attributes.missing == "y"'}
          - {name: b, eventTypes: [x.b], condition: 'event.channel.startsWith("c")'}
        """);
    CustomerEvent chat = e("4", "x.b", 3);
    chat.setChannel("chat");
    // 1 lacks the attribute, 3 has a null channel: both fail to evaluate, neither matches.
    assertThat(matches(yaml, e("1", "x.a", 0), e("2", "x.a", 1, null, Map.of("missing", "y")),
        e("3", "x.b", 2), chat)).containsExactly("2,4");
  }

  @Test
  void conditionOnAnOptionalStepThatDidNotOccurIsFalse() throws Exception {
    String yaml = rule("""
          - {name: a, eventTypes: [x.a]}
          - {name: b, eventTypes: [x.b], optional: true}
          - {name: c, eventTypes: [x.c], condition: 'event.entityId == b.entityId'}
        """);
    assertThat(matches(yaml, e("1", "x.a", 0, "e"), e("2", "x.c", 1, "e"))).isEmpty();
    assertThat(matches(yaml, e("1", "x.a", 0, "e"), e("2", "x.b", 1, "e"),
        e("3", "x.c", 2, "e"))).containsExactly("1,2,3");
  }

  @Test
  void correlationByEntity() throws Exception {
    String yaml = rule("""
          - {name: a, eventTypes: [x.a]}
          - {name: b, eventTypes: [x.b]}
        """).replace("within: 1h", "within: 1h\ncorrelateBy: entityId");
    assertThat(matches(yaml, e("1", "x.a", 0, "e1"), e("2", "x.b", 1, "e2"),
        e("3", "x.b", 2, "e1"))).containsExactly("1,3");
    // No entity, no correlation: neither a null first event nor a null later one matches.
    assertThat(matches(yaml, e("1", "x.a", 0), e("2", "x.b", 1))).isEmpty();
    assertThat(matches(yaml, e("1", "x.a", 0, "e1"), e("2", "x.b", 1))).isEmpty();
  }

  @Test
  void correlationAppliesToRepeatsOfTheFirstStep() throws Exception {
    String yaml = rule("  - {name: a, eventTypes: [x.a], times: 2}\n")
        .replace("within: 1h", "within: 1h\ncorrelateBy: entityId");
    assertThat(matches(yaml, e("1", "x.a", 0, "e1"), e("2", "x.a", 1, "e2"),
        e("3", "x.a", 2, "e1"))).containsExactly("1,3");
  }

  @Test
  void correlatedAbsenceOnlyCountsTheSameEntity() throws Exception {
    String yaml = rule("""
          - {name: a, eventTypes: [x.a]}
          - {name: b, eventTypes: [x.b], absent: true}
        """).replace("within: 1h", "within: 1h\ncorrelateBy: entityId");
    assertThat(matches(yaml, e("1", "x.a", 0, "e1"), e("2", "x.b", 10, "e2")))
        .containsExactly("1");
    assertThat(matches(yaml, e("1", "x.a", 0, "e1"), e("2", "x.b", 10, "e1"))).isEmpty();
  }

  @Test
  void absenceAtTheEndFiresWhenTheWindowPasses() throws Exception {
    String yaml = rule("""
          - {name: a, eventTypes: [x.a]}
          - {name: b, eventTypes: [x.b], absent: true}
        """);
    // Nothing follows: the match is only emitted when the window ends (end of input here).
    assertThat(matches(yaml, e("1", "x.a", 0))).containsExactly("1");
    assertThat(matches(yaml, e("1", "x.a", 0), e("2", "x.c", 30))).containsExactly("1");
  }

  @Test
  void absentEventJustBeforeTheDeadlinePreventsTheMatch() throws Exception {
    String yaml = rule("""
          - {name: a, eventTypes: [x.a]}
          - {name: b, eventTypes: [x.b], absent: true}
        """);
    assertThat(matches(yaml, e("1", "x.a", 0), e("2", "x.b", 59))).isEmpty();
    // At the deadline the window has already closed: too late to prevent it.
    assertThat(matches(yaml, e("1", "x.a", 0), e("2", "x.b", 60))).containsExactly("1");
  }

  @Test
  void absenceInTheMiddle() throws Exception {
    String yaml = rule("""
          - {name: a, eventTypes: [x.a]}
          - {name: b, eventTypes: [x.b], absent: true}
          - {name: c, eventTypes: [x.c]}
        """);
    assertThat(matches(yaml, e("1", "x.a", 0), e("2", "x.c", 5))).containsExactly("1,2");
    assertThat(matches(yaml, e("1", "x.a", 0), e("2", "x.b", 1), e("3", "x.c", 5))).isEmpty();
  }

  @Test
  void strictAbsenceOnlyLooksAtTheNextEvent() throws Exception {
    String yaml = rule("""
          - {name: a, eventTypes: [x.a]}
          - {name: b, eventTypes: [x.b], absent: true, contiguity: strict}
          - {name: c, eventTypes: [x.c]}
        """);
    assertThat(matches(yaml, e("1", "x.a", 0), e("2", "x.b", 1), e("3", "x.c", 2))).isEmpty();
    assertThat(matches(yaml, e("1", "x.a", 0), e("2", "x.d", 1), e("3", "x.b", 2),
        e("4", "x.c", 3))).containsExactly("1,4");
  }

  @Test
  void afterMatchDecidesWhetherMatchesShareEvents() throws Exception {
    String steps = "  - {name: c, eventTypes: [contact.started], times: 3}\n";
    CustomerEvent[] four = {e("1", "contact.started", 0), e("2", "contact.started", 1),
        e("3", "contact.started", 2), e("4", "contact.started", 3)};
    assertThat(matches(rule(steps), four)).containsExactly("1,2,3");
    assertThat(matches(rule(steps).replace("within: 1h", "within: 1h\nafterMatch: noSkip"),
        four)).containsExactly("1,2,3", "2,3,4");
    assertThat(matches(rule(steps).replace("within: 1h", "within: 1h\nafterMatch: skipToNext"),
        four)).containsExactly("1,2,3", "2,3,4");
  }

  @Test
  void everyStarterRuleCompilesToASerializableNfa() throws Exception {
    for (Rule rule : RuleLoader.loadFromClasspath().rules()) {
      NFACompiler.NFAFactory<CustomerEvent> factory =
          NFACompiler.compileFactory(RuleCompiler.compile(rule), false);
      // The factory, with every condition and CEL text in it, travels with the job graph.
      NFACompiler.NFAFactory<CustomerEvent> copy =
          InstantiationUtil.clone(factory, getClass().getClassLoader());
      assertThat(copy.createNFA().getStates()).as(rule.id()).isNotEmpty();
      assertThat(copy.createNFA().getWindowTime()).as(rule.id())
          .isEqualTo(rule.within().toMillis());
    }
  }

  @Test
  void aSerializedRuleSetStillEvaluatesItsConditions() throws Exception {
    String yaml = rule("""
          - {name: a, eventTypes: [x.a], condition: 'event.attributes.n > 1'}
          - {name: b, eventTypes: [x.b]}
        """);
    RuleSet set = new RuleSet(List.of(RuleLoader.parse("t.yaml", yaml)));
    RuleSet copy = InstantiationUtil.clone(set, getClass().getClassLoader());
    var condition = copy.rule("t").steps().get(0).condition();
    assertThat(condition.test(Map.of("event", e("1", "x.a", 0, null, Map.of("n", 2L)))))
        .isTrue();
    assertThat(condition.test(Map.of("event", e("1", "x.a", 0, null, Map.of("n", 1L)))))
        .isFalse();
  }
}
