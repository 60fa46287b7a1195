package io.journeyflow.patterns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.journeyflow.patterns.fixtures.FixtureFile;
import io.journeyflow.patterns.fixtures.FixtureLoader;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.internal.MatchedEvent;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Release conditions, action templates, and fixture files of the starter library. */
class SuppressAndTemplateTest {

  static final Rule RULE =
      RuleLoader.parse(
          "r.yaml",
          """
          id: r
          version: 1
          description: d
          journey: j
          within: 1h
          steps:
            - {name: failed, eventTypes: [selfservice.failed]}
            - {name: contact, eventTypes: [contact.started]}
          actions:
            - type: ROUTE
              channel: '${contact.channel}'
              priority: 80
              parameters:
                queue: 'q-${failed.attributes.intent}'
                missing: '${failed.attributes.nothing}'
          suppress:
            scopes: [marketing, sales]
            releaseWhen: 'event.eventType == "case.closed" && event.entityId == opened.entityId'
            maxDuration: 2d
          """);

  static final CustomerEvent FAILED =
      RuleCompilerTest.e("1", "selfservice.failed", 0, "case-1", Map.of("intent", "billing"));
  static final CustomerEvent CONTACT = RuleCompilerTest.e("2", "contact.started", 5);

  @Test
  void templatesResolveFromMatchedEvents() {
    CONTACT.setChannel("chat");
    ResolvedAction a = RULE.actions().get(0).resolve(
        List.of(new MatchedEvent("failed", FAILED), new MatchedEvent("contact", CONTACT)));
    assertThat(a.actionType()).isEqualTo("ROUTE");
    assertThat(a.channel()).isEqualTo("chat");
    assertThat(a.priority()).isEqualTo(80);
    assertThat(a.parameters()).containsEntry("queue", "q-billing").containsEntry("missing", "");
  }

  @Test
  void releaseWhenSeesTheOpeningEvent() {
    List<MatchedEvent> opening = List.of(new MatchedEvent("failed", FAILED));
    SuppressSpec spec = RULE.suppress();
    assertThat(spec.releasedBy(
        RuleCompilerTest.e("3", "case.closed", 9, "case-1", Map.of()), opening)).isTrue();
    assertThat(spec.releasedBy(
        RuleCompilerTest.e("4", "case.closed", 9, "case-2", Map.of()), opening)).isFalse();
    assertThat(spec.releasedBy(RuleCompilerTest.e("5", "other.event", 9), opening)).isFalse();
  }

  @Test
  void everyStarterFixtureFileLoadsAndNamesAKnownRule() {
    RuleSet library = RuleLoader.load(Path.of("rules"));
    for (Path file : FixtureLoader.list(Path.of("rules"))) {
      FixtureFile fixtures = FixtureLoader.load(file);
      assertThat(library.rule(fixtures.ruleId())).as(file.toString()).isNotNull();
      assertThat(fixtures.cases()).as(file.toString()).hasSizeGreaterThanOrEqualTo(3);
    }
  }

  @Test
  void fixtureErrorsHavePositions() {
    assertThatThrownBy(() -> FixtureLoader.parse("f.test.yaml",
        "cases:\n  - name: x\n    events:\n      - {at: soon, type: a.b}\n    expect: {}\n"))
        .isInstanceOfSatisfying(RuleValidationException.class, e ->
            assertThat(e.errors().get(0).toString()).startsWith("f.test.yaml:4:14: bad time"));
  }
}
