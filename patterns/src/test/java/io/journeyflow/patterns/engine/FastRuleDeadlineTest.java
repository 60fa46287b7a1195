package io.journeyflow.patterns.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyflow.patterns.RuleLoader;
import io.journeyflow.schema.CustomerEvent;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** When the fast engine must look at a rule state without an event ({@link FastRule}). */
class FastRuleDeadlineTest {

  private static final long MINUTE = 60_000;
  private static final long HOUR = 60 * MINUTE;

  private static FastRule rule(String steps) {
    return FastRule.compile(RuleLoader.parse("r.yaml", """
        id: r
        version: 1
        journey: test
        within: 1h
        correlateBy: entityId
        steps:
        """ + steps + """
        actions:
          - type: NOTE
        """)).orElseThrow();
  }

  private static final FastRule SEQUENCE = rule("""
          - name: failed
            eventTypes: [payment.failed]
          - name: posted
            eventTypes: [billing.adjustment.posted]
        """);

  private static final FastRule ABSENCE = rule("""
          - name: failed
            eventTypes: [payment.failed]
          - name: posted
            eventTypes: [billing.adjustment.posted]
          - name: resolved
            eventTypes: [billing.issue.resolved]
            absent: true
        """);

  @Test
  void expiredPartialMatchesThatChangeNothingAreCleanedUpOnceHalfHaveExpired() throws Exception {
    RuleState state = new RuleState();
    for (int minute = 1; minute <= 5; minute++) {
      SEQUENCE.process(state, e("f" + minute, "payment.failed", minute, "inv-" + minute),
          minute * MINUTE);
    }
    assertThat(state.size()).isEqualTo(5);
    // The third of five partial matches: at its window end three have expired.
    assertThat(SEQUENCE.nextDeadline(state)).isEqualTo(3 * MINUTE + HOUR);
    assertThat(SEQUENCE.advanceTime(state, 3 * MINUTE + HOUR)).isEmpty();
    assertThat(state.size()).isEqualTo(2);
    assertThat(SEQUENCE.nextDeadline(state)).isEqualTo(5 * MINUTE + HOUR);

    // An event after expired ones drops them before it is matched, whenever it comes.
    RuleState late = new RuleState();
    SEQUENCE.process(late, e("f1", "payment.failed", 1, "inv-1"), MINUTE);
    SEQUENCE.process(late, e("f2", "payment.failed", 50, "inv-1"), 50 * MINUTE);
    assertThat(SEQUENCE.process(late, e("p1", "billing.adjustment.posted", 70, "inv-1"),
        70 * MINUTE)).singleElement().satisfies(m -> assertThat(m.get("failed"))
            .extracting(CustomerEvent::getEventId).containsExactly("f2"));
  }

  @Test
  void aHeldCompletedMatchOrAPendingAbsenceIsDueAtItsExactWindowEnd() throws Exception {
    RuleState held = new RuleState();
    SEQUENCE.process(held, e("f1", "payment.failed", 1, "inv-1"), MINUTE);
    SEQUENCE.process(held, e("f2", "payment.failed", 2, "inv-2"), 2 * MINUTE);
    SEQUENCE.process(held, e("f3", "payment.failed", 3, "inv-3"), 3 * MINUTE);
    // inv-2 completes but waits for the earlier inv-1 partial match, which expires first.
    assertThat(SEQUENCE.process(held, e("p2", "billing.adjustment.posted", 4, "inv-2"),
        4 * MINUTE)).isEmpty();
    assertThat(SEQUENCE.nextDeadline(held)).isEqualTo(MINUTE + HOUR);

    RuleState pending = new RuleState();
    for (int minute = 1; minute <= 4; minute++) {
      ABSENCE.process(pending, e("f" + minute, "payment.failed", minute, "inv-" + minute),
          minute * MINUTE);
    }
    // inv-2 now waits only for its window to end without a resolution: a match then.
    ABSENCE.process(pending, e("p2", "billing.adjustment.posted", 5, "inv-2"), 5 * MINUTE);
    assertThat(ABSENCE.nextDeadline(pending)).isEqualTo(2 * MINUTE + HOUR);
    assertThat(ABSENCE.advanceTime(pending, 2 * MINUTE + HOUR)).hasSize(1);
  }

  @Test
  void noDeadlineWithoutPartialMatches() {
    assertThat(SEQUENCE.nextDeadline(new RuleState())).isEqualTo(Long.MAX_VALUE);
  }

  private static CustomerEvent e(String id, String type, long minute, String invoice) {
    return CustomerEvent.newBuilder().setEventId(id).setEventType(type).setSource("test")
        .setOccurredAt(Instant.ofEpochSecond(60 * minute))
        .setIdentities(new HashMap<>(Map.of("customerId", "c1"))).setEntityId(invoice)
        .setAttributes(new HashMap<>()).build();
  }
}
