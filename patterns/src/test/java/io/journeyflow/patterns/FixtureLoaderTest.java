package io.journeyflow.patterns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.journeyflow.patterns.fixtures.ExpectedAction;
import io.journeyflow.patterns.fixtures.ExpectedSignal;
import io.journeyflow.patterns.fixtures.FixtureCase;
import io.journeyflow.patterns.fixtures.FixtureFile;
import io.journeyflow.patterns.fixtures.FixtureLoader;
import io.journeyflow.schema.Action;
import io.journeyflow.schema.ActionContext;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.SuppressionSignal;
import io.journeyflow.schema.SuppressionState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fixture files: the model, its defaults, matching against outputs, and errors. */
class FixtureLoaderTest {

  static final String FIXTURE = """
      rule: some-rule
      cases:
        - name: first
          events:
            - {at: +0h, type: payment.failed, source: billing, entityId: inv-7, channel: web}
            - at: +2d3h
              type: billing.adjustment.posted
              id: adj
              attributes: {amount: 12.5, count: 3, code: '42', ok: true, note: text, gone: null}
              identities: {customerId: someone-else, email: a@b.c}
          expect:
            actions:
              - {type: SEND_HELP_CONTENT, channel: email, parameters: {content: x}}
              - {type: OTHER, priority: 7}
            suppressions:
              - {state: SUPPRESS, scopes: [marketing], at: +47h}
              - {state: RELEASE}
        - name: second
          events:
            - {at: +90m, type: contact.started}
          expect: {actions: []}
      """;

  static final Instant BASE = FixtureCase.BASE;

  @Test
  void readsCasesWithDefaults() {
    FixtureFile file = FixtureLoader.parse("x.test.yaml", FIXTURE);
    assertThat(file.ruleId()).isEqualTo("some-rule");
    assertThat(file.cases()).extracting(FixtureCase::name).containsExactly("first", "second");
    List<CustomerEvent> first = file.cases().get(0).events("cust-1");
    assertThat(first).extracting(CustomerEvent::getEventId).containsExactly("1-1", "adj");
    CustomerEvent failed = first.get(0);
    assertThat(failed.getOccurredAt()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(failed.getSource()).isEqualTo("billing");
    assertThat(failed.getChannel()).isEqualTo("web");
    assertThat(failed.getEntityId()).isEqualTo("inv-7");
    assertThat(failed.getIdentities()).containsExactly(Map.entry("customerId", "cust-1"));
    CustomerEvent adjustment = first.get(1);
    assertThat(adjustment.getOccurredAt()).isEqualTo(BASE.plus(Duration.ofHours(51)));
    assertThat(adjustment.getSource()).isEqualTo("fixture");
    assertThat(adjustment.getChannel()).isNull();
    assertThat(adjustment.getIdentities())
        .containsOnly(Map.entry("customerId", "someone-else"), Map.entry("email", "a@b.c"));
    assertThat(adjustment.getAttributes()).containsEntry("amount", 12.5)
        .containsEntry("count", 3L).containsEntry("code", "42").containsEntry("ok", true)
        .containsEntry("note", "text").containsEntry("gone", null);
    List<CustomerEvent> second = file.cases().get(1).events("cust-2");
    assertThat(second.get(0).getEventId()).isEqualTo("2-1");
    assertThat(second.get(0).getOccurredAt()).isEqualTo(BASE.plus(Duration.ofMinutes(90)));
  }

  @Test
  void ruleIdDefaultsToTheFileName(@TempDir Path dir) throws Exception {
    Path path = dir.resolve("cart-abandonment.test.yaml");
    Files.writeString(path, FIXTURE.replace("rule: some-rule\n", ""));
    assertThat(FixtureLoader.load(path).ruleId()).isEqualTo("cart-abandonment");
    assertThat(FixtureLoader.list(dir)).containsExactly(path);
    assertThat(FixtureLoader.parse("odd.yaml", FIXTURE.replace("rule: some-rule\n", ""))
        .ruleId()).isEqualTo("odd");
  }

  @Test
  void expectedActionsMatchOnTheKeysGiven() {
    FixtureCase c = FixtureLoader.parse("x.test.yaml", FIXTURE).cases().get(0);
    ExpectedAction help = c.actions().get(0);
    ExpectedAction other = c.actions().get(1);
    Action sent = action("SEND_HELP_CONTENT", "email", 70, Map.of("content", "x", "more", "y"));
    assertThat(help.matches(sent)).isTrue();
    assertThat(help.matches(action("SEND_HELP_CONTENT", null, 70, Map.of("content", "x"))))
        .isFalse();
    assertThat(help.matches(action("SEND_HELP_CONTENT", "email", 70, Map.of("content", "z"))))
        .isFalse();
    assertThat(other.matches(action("OTHER", "sms", 7, Map.of()))).isTrue();
    assertThat(other.matches(action("OTHER", "sms", 8, Map.of()))).isFalse();
    assertThat(help.toString()).isEqualTo(
        "{type: SEND_HELP_CONTENT, channel: email, parameters: {content=x}}");
  }

  @Test
  void expectedSignalsMatchStateScopesAndTime() {
    FixtureCase c = FixtureLoader.parse("x.test.yaml", FIXTURE).cases().get(0);
    ExpectedSignal suppress = c.suppressions().get(0);
    ExpectedSignal release = c.suppressions().get(1);
    assertThat(suppress.matches(signal(SuppressionState.SUPPRESS, 47))).isTrue();
    assertThat(suppress.matches(signal(SuppressionState.SUPPRESS, 48))).isFalse();
    assertThat(suppress.matches(signal(SuppressionState.RELEASE, 47))).isFalse();
    assertThat(release.matches(signal(SuppressionState.RELEASE, 400))).isTrue();
    assertThat(suppress.toString()).isEqualTo("{state: SUPPRESS, scopes: [marketing], at: +47h}");
  }

  @Test
  void errorsHavePositionsAndAreAllReported() {
    String broken = FIXTURE
        .replace("{at: +0h, type: payment.failed", "{at: soon, type: payment.failed")
        .replace("{state: RELEASE}", "{state: LIFTED}")
        .replace("- {at: +90m, type: contact.started}", "- {at: +90m, typ: contact.started}");
    assertThatThrownBy(() -> FixtureLoader.parse("f.test.yaml", broken))
        .isInstanceOfSatisfying(RuleValidationException.class, e ->
            assertThat(e.errors()).extracting(RuleError::toString).containsExactly(
                "f.test.yaml:5:14: bad time 'soon' (relative to the case start, e.g. +0h, +47h,"
                    + " +2d3h)",
                "f.test.yaml:17:19: state must be SUPPRESS or RELEASE",
                "f.test.yaml:20:20: unknown key 'typ' in an event (did you mean 'type'?)",
                "f.test.yaml:20:9: missing required key 'type' in an event"));
  }

  @Test
  void yamlSyntaxErrorsAreReportedLikeRules() {
    assertThatThrownBy(() -> FixtureLoader.parse("f.test.yaml", "cases: [\n"))
        .isInstanceOfSatisfying(RuleValidationException.class, e ->
            assertThat(e.errors().get(0).toString()).startsWith("f.test.yaml:2:1: YAML syntax"));
  }

  @Test
  void everyStarterRuleHasFixturesForMatchNoMatchAndTheWindowEdge() {
    RuleSet library = RuleLoader.load(Path.of("rules"));
    List<Path> files = FixtureLoader.list(Path.of("rules"));
    assertThat(files).extracting(p -> p.getFileName().toString().replace(".test.yaml", ""))
        .containsExactlyInAnyOrderElementsOf(library.rules().stream().map(Rule::id).toList());
    for (Path file : files) {
      FixtureFile fixtures = FixtureLoader.load(file);
      assertThat(library.rule(fixtures.ruleId())).as(file.toString()).isNotNull();
      List<FixtureCase> cases = fixtures.cases();
      assertThat(cases).as(file + ": a case that acts")
          .anySatisfy(c -> assertThat(c.actions()).isNotEmpty());
      assertThat(cases).as(file + ": a case that does not")
          .anySatisfy(c -> assertThat(c.actions()).isEmpty());
      assertThat(cases).as(file + ": window edge cases")
          .filteredOn(c -> c.name().startsWith("window edge"))
          .hasSizeGreaterThanOrEqualTo(2);
    }
  }

  static Action action(String type, String channel, int priority, Map<String, String> params) {
    return Action.newBuilder()
        .setActionId("a").setCustomerId("c").setActionType(type).setChannel(channel)
        .setRuleId("r").setRuleVersion(1).setJourney("j").setPriority(priority)
        .setParameters(params).setTriggeringEvents(List.of())
        .setContext(ActionContext.newBuilder().setRecentEvents(List.of())
            .setOpenSuppressions(List.of()).build())
        .setOccurredAt(BASE).setDecidedAt(BASE).build();
  }

  static SuppressionSignal signal(SuppressionState state, long hours) {
    return SuppressionSignal.newBuilder()
        .setSignalId("s").setCustomerId("c").setState(state).setScopes(List.of("marketing"))
        .setReason("r").setRuleId("r").setJourney("j").setAt(BASE.plus(Duration.ofHours(hours)))
        .build();
  }
}
