package io.journeyflow.schema.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.DeadLetter;
import io.journeyflow.schema.DeadLetterOrigin;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The JSON-lines form: parsing, validation messages and round trips. */
class ContractJsonTest {

  static final String EXAMPLE =
      "{\"eventId\":\"e-1\",\"eventType\":\"payment.failed\",\"source\":\"billing\","
          + "\"channel\":null,\"occurredAt\":\"2026-11-01T10:00:00Z\","
          + "\"identities\":{\"customerId\":\"c-1\"},\"entityId\":\"inv-7\","
          + "\"attributes\":{\"amount\":42.5}}";

  @Test
  void parsesTheContractExampleAndWritesItBackUnchanged() throws Exception {
    CustomerEvent e = ContractJson.parseEvent(EXAMPLE);
    assertThat(e.getOccurredAt()).isEqualTo(Instant.parse("2026-11-01T10:00:00Z"));
    assertThat(e.getAttributes()).containsEntry("amount", 42.5);
    assertThat(ContractJson.toJson(e)).isEqualTo(EXAMPLE);
  }

  @Test
  void attributesKeepTheirTypes() throws Exception {
    CustomerEvent e =
        ContractJson.parseEvent(
            EXAMPLE.replace("{\"amount\":42.5}",
                "{\"n\":3,\"b\":true,\"s\":\"x\",\"z\":null}"));
    assertThat(e.getAttributes()).containsEntry("n", 3L).containsEntry("b", true)
        .containsEntry("s", "x").containsEntry("z", null);
  }

  @Test
  void acceptsOffsetsAndEpochMillis() throws Exception {
    assertThat(ContractJson.parseEvent(
        EXAMPLE.replace("2026-11-01T10:00:00Z", "2026-11-01T11:00:00+01:00")).getOccurredAt())
        .isEqualTo(Instant.parse("2026-11-01T10:00:00Z"));
    assertThat(ContractJson.parseEvent(
        EXAMPLE.replace("\"2026-11-01T10:00:00Z\"", "1000")).getOccurredAt())
        .isEqualTo(Instant.ofEpochMilli(1000));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "\"eventId\":\"e-1\",|\"eventId\":\"  \",|eventId must be a non-blank string",
        "\"eventId\":\"e-1\",||eventId is missing",
        "\"eventType\":\"payment.failed\",||eventType is missing",
        "payment.failed|Payment Failed|not dotted lowercase",
        "\"source\":\"billing\",||source is missing",
        "2026-11-01T10:00:00Z|yesterday|not an ISO-8601 instant",
        "{\"customerId\":\"c-1\"}|{}|at least one identifier",
        "{\"customerId\":\"c-1\"}|{\"customerId\":7}|must be a non-blank string",
        "{\"amount\":42.5}|{\"amount\":[1]}|must be null, boolean, number or string",
        "\"entityId\":\"inv-7\",|\"entityId\":\"inv-7\",\"entityID\":1,|unknown field 'entityID'",
      })
  void rejectsContractViolationsNamingTheField(String from, String to, String message) {
    String json = EXAMPLE.replace(from, to == null ? "" : to);
    assertThatThrownBy(() -> ContractJson.parseEvent(json))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining(message);
  }

  @Test
  void rejectsInvalidJson() {
    assertThatThrownBy(() -> ContractJson.parseEvent("{\"eventId\": \"x\", nope"))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageStartingWith("invalid JSON");
  }

  @Test
  void carriesTheEventIdOfAnInvalidEvent() {
    assertThatThrownBy(() -> ContractJson.parseEvent(EXAMPLE.replace("billing", " ")))
        .isInstanceOfSatisfying(InvalidEventException.class,
            e -> assertThat(e.eventId()).isEqualTo("e-1"));
  }

  @Test
  void writesBytesAsBase64AndNestedRecords() {
    DeadLetter d =
        DeadLetter.newBuilder()
            .setOrigin(DeadLetterOrigin.newBuilder().setKind("kafka").setTopic("t")
                .setPartition(1).setOffset(5L).build())
            .setPayload(ByteBuffer.wrap(new byte[] {1, 2, 3}))
            .setStage("decode")
            .setError("bad")
            .setRejectedAt(Instant.parse("2026-11-01T10:00:00.250Z"))
            .build();
    assertThat(ContractJson.toJson(d))
        .isEqualTo("{\"origin\":{\"kind\":\"kafka\",\"topic\":\"t\",\"partition\":1,"
            + "\"offset\":5,\"file\":null,\"line\":null},\"payload\":\"AQID\","
            + "\"payloadText\":null,\"stage\":\"decode\",\"error\":\"bad\",\"eventId\":null,"
            + "\"rejectedAt\":\"2026-11-01T10:00:00.250Z\"}");
  }
}
