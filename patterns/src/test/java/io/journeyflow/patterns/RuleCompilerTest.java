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
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.cep.CEP;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Compiled rules run through Flink CEP in event time on a MiniCluster. */
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

  /** Event ids of each match, in step order. */
  static List<String> matches(String yaml, CustomerEvent... events) throws Exception {
    Rule rule = RuleLoader.parse("t.yaml", yaml);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    var stream = env.fromData(new AvroTypeInfo<>(CustomerEvent.class), events)
        .assignTimestampsAndWatermarks(
            WatermarkStrategy.<CustomerEvent>forMonotonousTimestamps()
                .withTimestampAssigner((ev, ts) -> ev.getOccurredAt().toEpochMilli()))
        .keyBy(ev -> ev.getIdentities().get("customerId"), Types.STRING);
    List<String> out = new ArrayList<>();
    CEP.pattern(stream, RuleCompiler.compile(rule))
        .inEventTime()
        .process(new Ids(rule), Types.STRING)
        .executeAndCollect()
        .forEachRemaining(out::add);
    return out;
  }

  /** Joins the event ids of a match. */
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

  static String rule(String steps) {
    return "id: t\nversion: 1\ndescription: t\njourney: t\nwithin: 1h\nsteps:\n" + steps
        + "actions:\n  - type: ACT\n";
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
  void relaxedContiguitySkipsOtherEvents() throws Exception {
    String yaml = rule("""
          - {name: a, eventTypes: [x.a]}
          - {name: b, eventTypes: [x.b]}
        """);
    assertThat(matches(yaml, e("1", "x.a", 0), e("2", "x.c", 1), e("3", "x.b", 2)))
        .containsExactly("1,3");
  }

  @Test
  void optionalStepMayBeMissing() throws Exception {
    String yaml = rule("""
          - {name: a, eventTypes: [x.a]}
          - {name: b, eventTypes: [x.b], optional: true}
          - {name: c, eventTypes: [x.c]}
        """);
    assertThat(matches(yaml, e("1", "x.a", 0), e("2", "x.c", 1))).containsExactly("1,2");
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
        e("4", "x.b", 3, "inv", Map.of("amount", 42.5)))).containsExactly("1,4");
  }

  @Test
  void evaluationErrorCountsAsFalse() throws Exception {
    String yaml = rule("""
          - {name: a, eventTypes: [x.a], condition: 'event.attributes.missing == "y"'}
          - {name: b, eventTypes: [x.b]}
        """);
    assertThat(matches(yaml, e("1", "x.a", 0), e("2", "x.a", 1, null, Map.of("missing", "y")),
        e("3", "x.b", 2))).containsExactly("2,3");
  }

  @Test
  void correlationByEntity() throws Exception {
    String yaml = rule("""
          - {name: a, eventTypes: [x.a]}
          - {name: b, eventTypes: [x.b]}
        """).replace("within: 1h", "within: 1h\ncorrelateBy: entityId");
    assertThat(matches(yaml, e("1", "x.a", 0, "e1", Map.of()), e("2", "x.b", 1, "e2", Map.of()),
        e("3", "x.b", 2, "e1", Map.of()))).containsExactly("1,3");
  }

  @Test
  void absenceAtTheEndFiresWhenTheWindowPasses() throws Exception {
    String yaml = rule("""
          - {name: a, eventTypes: [x.a]}
          - {name: b, eventTypes: [x.b], absent: true}
        """);
    assertThat(matches(yaml, e("1", "x.a", 0))).containsExactly("1");
    assertThat(matches(yaml, e("1", "x.a", 0), e("2", "x.b", 30))).isEmpty();
  }
}
