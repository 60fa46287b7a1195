package io.journeyflow.patterns;

import static io.journeyflow.patterns.RuleCompilerTest.e;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cel.common.CelValidationException;
import io.journeyflow.patterns.cel.CelCondition;
import io.journeyflow.schema.CustomerEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

/** CEL conditions over events: typing at load, values and failures at run time. */
class CelConditionTest {

  static final CustomerEvent EVENT = event();

  static CustomerEvent event() {
    CustomerEvent e = e("ev-1", "payment.failed", 90, "inv-7",
        Map.of("amount", 12.5, "count", 3L, "intent", "billing", "retry", true));
    e.setIdentities(new HashMap<>(Map.of("customerId", "c1", "email", "a@b.c")));
    e.setChannel("web");
    return e;
  }

  static boolean eval(String expression, CustomerEvent event) throws Exception {
    return CelCondition.of(expression, List.of("event")).test(Map.of("event", event));
  }

  @Test
  void everyEventFieldHasItsType() throws Exception {
    assertThat(eval("event.eventId == 'ev-1' && event.eventType == 'payment.failed'"
        + " && event.source == 'test'", EVENT)).isTrue();
    assertThat(eval("event.channel == 'web' && event.entityId == 'inv-7'", EVENT)).isTrue();
    assertThat(eval("event.occurredAt == timestamp('2026-01-01T01:30:00Z')", EVENT)).isTrue();
    assertThat(eval("event.identities.email == 'a@b.c'", EVENT)).isTrue();
    assertThat(eval("event.attributes.amount > 12 && event.attributes.count >= 3.0"
        + " && event.attributes.intent == 'billing' && event.attributes.retry", EVENT)).isTrue();
    assertThat(eval("event.eventType.startsWith('payment.') && size(event.attributes) == 4",
        EVENT)).isTrue();
  }

  @Test
  void standardMacrosAreAvailable() throws Exception {
    assertThat(eval("has(event.attributes.amount) && !has(event.attributes.nope)", EVENT))
        .isTrue();
    assertThat(eval("event.attributes.exists(k, k == 'intent')", EVENT)).isTrue();
    assertThat(eval("['web', 'app'].exists(c, c == event.channel)", EVENT)).isTrue();
    assertThat(eval("'email' in event.identities", EVENT)).isTrue();
  }

  @Test
  void channelAndEntityMayBeNull() throws Exception {
    CustomerEvent bare = e("ev-2", "x.a", 0);
    assertThat(eval("event.channel == null && event.entityId == null", bare)).isTrue();
    assertThat(eval("event.channel == 'web'", bare)).isFalse();
    assertThat(eval("event.channel != null", EVENT)).isTrue();
  }

  @Test
  void typeErrorsAreFoundAtLoadTime() {
    assertThatThrownBy(() -> CelCondition.of("event.eventType + 1 == 2", List.of("event")))
        .isInstanceOf(CelValidationException.class)
        .hasMessageContaining("no matching overload for '_+_'");
    assertThatThrownBy(() -> CelCondition.of("event.nosuchfield == 'x'", List.of("event")))
        .isInstanceOf(CelValidationException.class)
        .hasMessageContaining("undefined field 'nosuchfield'");
    assertThatThrownBy(() -> CelCondition.of("event.attributes", List.of("event")))
        .isInstanceOf(CelValidationException.class)
        .hasMessageContaining("expected type 'bool'");
    assertThatThrownBy(() -> CelCondition.of("other.eventId == ''", List.of("event")))
        .isInstanceOf(CelValidationException.class)
        .hasMessageContaining("undeclared reference to 'other'");
  }

  @Test
  void evaluationErrorsAreFalseAndCounted() throws Exception {
    CelCondition missing = CelCondition.of("event.attributes.nope == 1", List.of("event"));
    assertThat(missing.test(Map.of("event", EVENT))).isFalse();
    assertThat(missing.test(Map.of("event", EVENT))).isFalse();
    assertThat(missing.errorCount()).isEqualTo(2);
    CelCondition nullString = CelCondition.of("event.channel.startsWith('w')", List.of("event"));
    assertThat(nullString.test(Map.of("event", e("x", "x.a", 0)))).isFalse();
    assertThat(nullString.test(Map.of("event", EVENT))).isTrue();
    assertThat(nullString.errorCount()).isEqualTo(1);
    CelCondition unbound = CelCondition.of("event.entityId == a.entityId", List.of("event", "a"));
    assertThat(unbound.test(Map.of("event", EVENT))).isFalse();
    assertThat(unbound.errorCount()).isEqualTo(1);
  }

  @Test
  void referencedVariablesComeFromTheChecker() throws Exception {
    CelCondition c = CelCondition.of("event.entityId == first.entityId && size('second') > 0",
        List.of("event", "first", "second"));
    assertThat(c.referenced()).containsExactly("event", "first");
    assertThat(c.mentions("second")).isFalse();
  }

  @Test
  void travelsAsTextAndCompilesAgainAfterSerialization() throws Exception {
    CelCondition c = CelCondition.of("event.attributes.count == 3", List.of("event"));
    assertThat(c.test(Map.of("event", EVENT))).isTrue();
    CelCondition copy = InstantiationUtil.clone(c, getClass().getClassLoader());
    assertThat(copy.expression()).isEqualTo(c.expression());
    assertThat(copy.test(Map.of("event", EVENT))).isTrue();
    assertThat(copy.errorCount()).isZero();
  }
}
