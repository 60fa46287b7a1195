package io.journeyflow.patterns;

import static io.journeyflow.patterns.RuleCompilerTest.e;
import static org.assertj.core.api.Assertions.assertThat;

import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.internal.MatchedEvent;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Action templates resolved from matches, and what releases a suppression. */
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
            - {name: contact, eventTypes: [contact.started], times: {from: 1, to: 2}}
          actions:
            - type: ROUTE
              channel: '${contact.channel}'
              priority: 80
              parameters:
                queue: 'q-${failed.attributes.intent}'
                missing: '${failed.attributes.nothing}'
                all: '${failed.eventId}|${failed.eventType}|${failed.source}|${failed.entityId}'
                when: '${failed.occurredAt}'
                who: '${contact.identities.customerId}'
                amount: '${failed.attributes.amount}'
                noChannel: '[${failed.channel}]'
            - type: NOTE
              channel: email
          suppress:
            scopes: [marketing, sales]
            releaseOn: [issue.resolved]
            releaseWhen: 'event.eventType == "case.closed" && event.entityId == opened.entityId'
            maxDuration: 2d
          """);

  static final CustomerEvent FAILED = e("1", "selfservice.failed", 0, "case-1",
      Map.of("intent", "billing", "amount", 12.5));

  static CustomerEvent contact(String id, String channel, long minutes) {
    CustomerEvent c = e(id, "contact.started", minutes);
    c.setChannel(channel);
    return c;
  }

  static List<MatchedEvent> match(CustomerEvent... contacts) {
    List<MatchedEvent> out = new java.util.ArrayList<>();
    out.add(new MatchedEvent("failed", FAILED));
    for (CustomerEvent c : contacts) {
      out.add(new MatchedEvent("contact", c));
    }
    return out;
  }

  @Test
  void templatesResolveFromTheLastEventOfEachStep() {
    ResolvedAction a = RULE.actions().get(0).resolve(
        match(contact("2", "voice", 5), contact("3", "chat", 6)));
    assertThat(a.actionType()).isEqualTo("ROUTE");
    assertThat(a.channel()).isEqualTo("chat");
    assertThat(a.priority()).isEqualTo(80);
    assertThat(a.parameters()).containsExactly(
        Map.entry("queue", "q-billing"),
        Map.entry("missing", ""),
        Map.entry("all", "1|selfservice.failed|test|case-1"),
        Map.entry("when", "2026-01-01T00:00:00Z"),
        Map.entry("who", "c1"),
        Map.entry("amount", "12.5"),
        Map.entry("noChannel", "[]"));
  }

  @Test
  void aMissingChannelIsNullAndALiteralStaysAsWritten() {
    ResolvedAction route = RULE.actions().get(0).resolve(match(e("2", "contact.started", 5)));
    assertThat(route.channel()).isNull();
    ResolvedAction note = RULE.actions().get(1).resolve(match(contact("2", "voice", 5)));
    assertThat(note.channel()).isEqualTo("email");
    assertThat(note.priority()).isEqualTo(ActionSpec.DEFAULT_PRIORITY);
    assertThat(note.parameters()).isEmpty();
  }

  @Test
  void resolvedActionAlsoTakesTheShortForm() {
    ResolvedAction a = new ResolvedAction("ACT", null, 10, Map.of("k", "v"));
    assertThat(a.purpose()).isEqualTo(ActionSpec.DEFAULT_PURPOSE);
    assertThat(a.discardInQuietHours()).isFalse();
    assertThat(a.parameters()).containsEntry("k", "v");
  }

  @Test
  void releasedByAReleaseEventType() {
    SuppressSpec spec = RULE.suppress();
    assertThat(spec.scopes()).containsExactly("marketing", "sales");
    assertThat(spec.maxDuration()).isEqualTo(Duration.ofDays(2));
    assertThat(spec.releaseOn()).containsExactly("issue.resolved");
    assertThat(spec.releasedBy(e("9", "issue.resolved", 9), match())).isTrue();
  }

  @Test
  void releaseWhenSeesTheOpeningMatchsLastEvent() {
    SuppressSpec spec = RULE.suppress();
    List<MatchedEvent> opening = List.of(new MatchedEvent("failed", FAILED),
        new MatchedEvent("contact", e("2", "contact.started", 5, "case-1", Map.of())));
    assertThat(spec.releasedBy(e("3", "case.closed", 9, "case-1", Map.of()), opening)).isTrue();
    assertThat(spec.releasedBy(e("4", "case.closed", 9, "case-2", Map.of()), opening)).isFalse();
    assertThat(spec.releasedBy(e("5", "other.event", 9, "case-1", Map.of()), opening)).isFalse();
    // The last event of the match is "opened": a match ending elsewhere does not release.
    List<MatchedEvent> elsewhere = List.of(new MatchedEvent("failed", FAILED),
        new MatchedEvent("contact", e("2", "contact.started", 5, "case-9", Map.of())));
    assertThat(spec.releasedBy(e("3", "case.closed", 9, "case-1", Map.of()), elsewhere))
        .isFalse();
  }

  @Test
  void releaseWhenErrorsDoNotRelease() {
    SuppressSpec spec = RuleLoader.parse("s.yaml", """
        id: s
        version: 1
        journey: j
        steps: [{name: a, eventTypes: [x.a]}]
        actions: [{type: ACT}]
        suppress:
          scopes: [marketing]
          releaseWhen: 'event.attributes.ticket == opened.attributes.ticket'
          maxDuration: 1d
        """).suppress();
    List<MatchedEvent> opening = List.of(new MatchedEvent("a",
        e("1", "x.a", 0, null, new HashMap<>(Map.of("ticket", 7L)))));
    assertThat(spec.releasedBy(e("2", "x.b", 1, null, Map.of("ticket", 7L)), opening)).isTrue();
    assertThat(spec.releasedBy(e("3", "x.b", 1), opening)).isFalse();
    assertThat(spec.releasedBy(e("4", "x.b", 1, null, Map.of("ticket", 7L)), List.of()))
        .isFalse();
    assertThat(spec.releaseWhen().errorCount()).isEqualTo(2);
  }

  @Test
  void matchOrderFollowsTheSteps() {
    Map<String, List<CustomerEvent>> cep = new HashMap<>();
    cep.put("contact", List.of(contact("2", "voice", 5), contact("3", "chat", 6)));
    cep.put("failed", List.of(FAILED));
    assertThat(MatchOrder.order(RULE, cep))
        .extracting(MatchedEvent::getStep, m -> m.getEvent().getEventId())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("failed", "1"),
            org.assertj.core.groups.Tuple.tuple("contact", "2"),
            org.assertj.core.groups.Tuple.tuple("contact", "3"));
  }
}
