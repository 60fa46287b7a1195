package io.journeyflow.jobs.tools.report;

import static io.journeyflow.jobs.tools.report.DeadLetterReasonText.normalize;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Dead-letter errors that differ only in volatile details give one reason. */
class DeadLetterReasonTextTest {

  @Test
  void volatileDetailsAreReplaced() {
    assertThat(normalize("event time 2026-11-03T08:00:00Z is not after the watermark"
        + " 2026-11-03T08:14:31.500Z: later than the allowed out-of-orderness"))
        .isEqualTo("event time <time> is not after the watermark <time>: later than the"
            + " allowed out-of-orderness");
    assertThat(normalize("InvalidEventException: occurredAt 'soon' is not an ISO-8601"
        + " instant with offset (e.g. 2026-11-01T10:00:00Z)"))
        .isEqualTo(normalize("InvalidEventException: occurredAt 'yesterday' is not an"
            + " ISO-8601 instant with offset (e.g. 2026-11-01T10:00:00Z)"))
        .contains("ISO-8601").contains("offset (e.g. <time>)");
    assertThat(normalize("Malformed data. Length is negative: -40"))
        .isEqualTo(normalize("Malformed data. Length is negative: -47"))
        .endsWith("negative: #");
    assertThat(normalize("duplicate eventId e-17 in line 3, column 12"))
        .isEqualTo("duplicate eventId # in line #, column #");
    assertThat(normalize("unknown customer cust-8812 (id=550e8400-e29b-41d4-a716-446655440000)"))
        .isEqualTo("unknown customer <id> (id=<id>)");
    assertThat(normalize("read from journeyflow.events/3@123456"))
        .isEqualTo("read from <topic/partition@offset>");
  }

  @Test
  void namesThatStartAClauseAreKept() {
    assertThat(normalize("frequencyCaps[0]: 'max' must be a whole number >= 0"))
        .isEqualTo("frequencyCaps[#]: 'max' must be a whole number >= #");
    assertThat(normalize("'version' is required")).isEqualTo("'version' is required");
    assertThat(normalize("no usable identity: the event carries none of [customerId, email]"
        + " (it has [loyaltyCard])")).contains("[customerId, email]");
  }

  @Test
  void blankErrorsHaveAReasonToo() {
    assertThat(normalize(null)).isEqualTo("(no error text)");
    assertThat(normalize("  ")).isEqualTo("(no error text)");
    assertThat(normalize("x".repeat(1000))).hasSize(300);
  }
}
