package io.journeyflow.connectors;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.DeadLetter;
import io.journeyflow.schema.DeadLetterOrigin;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.Test;

/** Decoding never throws: good input becomes events, bad input dead letters with context. */
class EventDecoderTest {

  private static final DeadLetterOrigin ORIGIN = DeadLetters.kafka("events", 1, 42L);

  static CustomerEvent event(String id) {
    return CustomerEvent.newBuilder()
        .setEventId(id)
        .setEventType("payment.failed")
        .setSource("billing")
        .setOccurredAt(Instant.parse("2026-11-01T10:00:00Z"))
        .setIdentities(new HashMap<>(Map.of("customerId", "c-1")))
        .setAttributes(new HashMap<>())
        .build();
  }

  static byte[] avro(CustomerEvent e) throws Exception {
    ByteBuffer b = e.toByteBuffer();
    byte[] bytes = new byte[b.remaining()];
    b.get(bytes);
    return bytes;
  }

  @Test
  void decodesAvroSingleObjectEncoding() throws Exception {
    Either<DeadLetter, CustomerEvent> r =
        new EventDecoder(InputFormat.AVRO).decode(avro(event("e-1")), ORIGIN);
    assertThat(r.isRight()).isTrue();
    assertThat(r.right().getEventId()).isEqualTo("e-1");
  }

  @Test
  void undecodableBytesBecomeADeadLetterWithOriginAndBytes() {
    byte[] junk = {(byte) 0xC3, 0x01, 7, 7, 7};
    Either<DeadLetter, CustomerEvent> r = new EventDecoder(InputFormat.AVRO).decode(junk, ORIGIN);
    assertThat(r.isLeft()).isTrue();
    DeadLetter d = r.left();
    assertThat(d.getStage()).isEqualTo("decode");
    assertThat(d.getOrigin().getTopic()).isEqualTo("events");
    assertThat(d.getOrigin().getPartition()).isEqualTo(1);
    assertThat(d.getOrigin().getOffset()).isEqualTo(42L);
    assertThat(d.getPayload().array()).isEqualTo(junk);
    assertThat(d.getPayloadText()).isNull();
    assertThat(d.getError()).contains("AVRO");
  }

  @Test
  void avroEventThatBreaksTheContractFailsValidation() throws Exception {
    CustomerEvent noIdentity = event("e-2");
    noIdentity.getIdentities().clear();
    DeadLetter d = new EventDecoder(InputFormat.AVRO).decode(avro(noIdentity), ORIGIN).left();
    assertThat(d.getStage()).isEqualTo("validate");
    assertThat(d.getEventId()).isEqualTo("e-2");
    assertThat(d.getError()).contains("identities");
  }

  @Test
  void jsonSyntaxAndContractErrorsHaveTheirStages() {
    EventDecoder json = new EventDecoder(InputFormat.JSON);
    DeadLetter syntax = json.decode("{oops".getBytes(StandardCharsets.UTF_8), ORIGIN).left();
    assertThat(syntax.getStage()).isEqualTo("decode");
    assertThat(syntax.getPayloadText()).isEqualTo("{oops");
    DeadLetter contract =
        json.decode("{\"eventId\":\"x\"}".getBytes(StandardCharsets.UTF_8), ORIGIN).left();
    assertThat(contract.getStage()).isEqualTo("validate");
    assertThat(contract.getEventId()).isEqualTo("x");
  }

  @Test
  void nullValueIsADeadLetter() {
    assertThat(new EventDecoder(InputFormat.JSON).decode(null, ORIGIN).left().getError())
        .contains("no value");
  }

  @Test
  void rejectedEventKeepsItsJsonFormForReplay() {
    DeadLetter d = DeadLetters.forEvent(event("e-3"), "late", "too late");
    assertThat(d.getOrigin().getKind()).isEqualTo("event");
    assertThat(d.getPayloadText()).contains("\"eventId\":\"e-3\"");
  }
}
