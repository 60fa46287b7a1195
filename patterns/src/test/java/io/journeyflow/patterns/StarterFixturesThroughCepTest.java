package io.journeyflow.patterns;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyflow.patterns.RuleCompilerTest.ByCustomer;
import io.journeyflow.patterns.RuleCompilerTest.EventTime;
import io.journeyflow.patterns.fixtures.ExpectedAction;
import io.journeyflow.patterns.fixtures.FixtureCase;
import io.journeyflow.patterns.fixtures.FixtureFile;
import io.journeyflow.patterns.fixtures.FixtureLoader;
import io.journeyflow.schema.Action;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.internal.RuleMatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.cep.CEP;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The starter fixtures' expected actions, checked against the compiled pattern alone (Flink
 * CEP in event time, no Kafka, no decision policies): each match resolves the rule's actions.
 * The jobs module runs the same fixtures through the whole job, suppressions included.
 */
class StarterFixturesThroughCepTest {

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(1)
              .build());

  /**
   * Cases whose outcome the job's decision stage decides, not the pattern (consent, quiet
   * hours, journey exit).
   */
  static final Set<String> DECIDED_BY_POLICY =
      Set.of("cart-abandonment > without marketing consent the reminder is not sent",
          "cart-abandonment > decisions explain a blocked and a deferred reminder",
          "billing-contact-after-adjustment > once billing resolved the issue, a later contact"
              + " is not routed to billing");

  static Stream<Path> fixtureFiles() {
    return FixtureLoader.list(Path.of("rules")).stream();
  }

  @ParameterizedTest
  @MethodSource("fixtureFiles")
  void patternAloneGivesTheExpectedActions(Path file) throws Exception {
    FixtureFile fixtures = FixtureLoader.load(file);
    Rule rule = RuleLoader.load(Path.of("rules")).rule(fixtures.ruleId());
    List<CustomerEvent> events = new ArrayList<>();
    for (int i = 0; i < fixtures.cases().size(); i++) {
      events.addAll(fixtures.cases().get(i).events(customer(i)));
    }
    List<RuleMatch> matches = run(rule, events);
    for (int i = 0; i < fixtures.cases().size(); i++) {
      FixtureCase c = fixtures.cases().get(i);
      String name = rule.id() + " > " + c.name();
      if (DECIDED_BY_POLICY.contains(name)) {
        continue;
      }
      List<Action> actual = new ArrayList<>();
      for (RuleMatch m : matches) {
        if (m.getCustomerId().equals(customer(i))) {
          for (ActionSpec spec : rule.actions()) {
            actual.add(action(spec.resolve(m.getEvents())));
          }
        }
      }
      assertThat(actual).as(name).hasSameSizeAs(c.actions());
      List<Action> unmatched = new ArrayList<>(actual);
      for (ExpectedAction fixture : c.actions()) {
        ExpectedAction expected = patternPart(fixture, rule);
        Action hit = unmatched.stream().filter(expected::matches).findFirst().orElse(null);
        assertThat(hit).as(name + ": expected " + expected + " among " + actual).isNotNull();
        unmatched.remove(hit);
      }
    }
  }

  /** Without a channel in the rule, the job's channel choice (consent fallback) decides it. */
  static ExpectedAction patternPart(ExpectedAction fixture, Rule rule) {
    boolean ruleNamesChannel = rule.actions().stream()
        .anyMatch(a -> a.type().equals(fixture.type()) && a.channel() != null);
    return ruleNamesChannel ? fixture : new ExpectedAction(fixture.type(), null, false,
        fixture.priority(), fixture.parameters());
  }

  static String customer(int caseIndex) {
    return "case-" + (caseIndex + 1);
  }

  static List<RuleMatch> run(Rule rule, List<CustomerEvent> events) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    var stream = env.fromData(new AvroTypeInfo<>(CustomerEvent.class),
            events.toArray(new CustomerEvent[0]))
        .assignTimestampsAndWatermarks(
            WatermarkStrategy.<CustomerEvent>forMonotonousTimestamps()
                .withTimestampAssigner(new EventTime()))
        .keyBy(new ByCustomer(), Types.STRING);
    List<RuleMatch> out = new ArrayList<>();
    CEP.pattern(stream, RuleCompiler.compile(rule))
        .inEventTime()
        .process(new ToRuleMatch(rule), new AvroTypeInfo<>(RuleMatch.class))
        .executeAndCollect()
        .forEachRemaining(out::add);
    return out;
  }

  /** A CEP match as the job passes it on: the customer and the events in step order. */
  static final class ToRuleMatch extends PatternProcessFunction<CustomerEvent, RuleMatch> {
    private final Rule rule;

    ToRuleMatch(Rule rule) {
      this.rule = rule;
    }

    @Override
    public void processMatch(Map<String, List<CustomerEvent>> match, Context ctx,
        Collector<RuleMatch> out) {
      var events = MatchOrder.order(rule, match);
      CustomerEvent first = events.get(0).getEvent();
      out.collect(RuleMatch.newBuilder()
          .setCustomerId(first.getIdentities().get("customerId"))
          .setRuleId(rule.id())
          .setRuleVersion(rule.version())
          .setMatchedAt(events.get(events.size() - 1).getEvent().getOccurredAt())
          .setEvents(events)
          .build());
    }
  }

  static Action action(ResolvedAction r) {
    return FixtureLoaderTest.action(r.actionType(), r.channel(), r.priority(), r.parameters());
  }
}
