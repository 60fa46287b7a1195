package io.journeyflow.connectors;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.DeadLetter;
import io.journeyflow.schema.DeadLetterOrigin;
import io.journeyflow.schema.json.ContractJson;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.types.Either;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

/** Decoding never throws: good input becomes events, bad input dead letters with context. */
class EventDecoderTest {

  private static final DeadLetterOrigin ORIGIN = DeadLetters.kafka("events", 1, 42L);
  private static final EventDecoder AVRO = new EventDecoder(InputFormat.AVRO);
  private static final EventDecoder JSON = new EventDecoder(InputFormat.JSON);

  static final String GOOD_JSON =
      "{\"eventId\":\"e-1\",\"eventType\":\"payment.failed\",\"source\":\"billing\","
          + "\"channel\":null,\"occurredAt\":\"2026-11-01T10:00:00Z\","
          + "\"identities\":{\"customerId\":\"c-1\"},\"entityId\":\"inv-7\","
          + "\"attributes\":{\"amount\":42.5}}";

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

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Checks what every dead letter must carry and returns it. */
  static DeadLetter deadLetter(Either<DeadLetter, CustomerEvent> r, byte[] payload,
      String stage) {
    assertThat(r.isLeft()).as("expected a dead letter, got %s", r).isTrue();
    DeadLetter d = r.left();
    assertThat(d.getStage()).isEqualTo(stage);
    assertThat(d.getOrigin()).isEqualTo(ORIGIN);
    assertThat(d.getPayload()).isEqualTo(ByteBuffer.wrap(payload));
    assertThat(d.getError()).isNotBlank();
    assertThat(d.getRejectedAt())
        .isBetween(Instant.now().minus(Duration.ofMinutes(1)), Instant.now());
    assertThat(d.getRejectedAt().getNano() % 1_000_000).as("millisecond precision").isZero();
    return d;
  }

  @Test
  void decodesAvroSingleObjectEncoding() throws Exception {
    Either<DeadLetter, CustomerEvent> r = AVRO.decode(avro(event("e-1")), ORIGIN);
    assertThat(r.isRight()).isTrue();
    assertThat(r.right()).isEqualTo(event("e-1"));
  }

  @Test
  void undecodableAvroBytesAreADecodeDeadLetterWithOriginAndBytes() {
    byte[] junk = {(byte) 0xC3, 0x01, 7, 7, 7};
    DeadLetter d = deadLetter(AVRO.decode(junk, ORIGIN), junk, "decode");
    assertThat(d.getOrigin().getKind()).isEqualTo("kafka");
    assertThat(d.getOrigin().getTopic()).isEqualTo("events");
    assertThat(d.getOrigin().getPartition()).isEqualTo(1);
    assertThat(d.getOrigin().getOffset()).isEqualTo(42L);
    assertThat(d.getPayloadText()).isNull();
    assertThat(d.getEventId()).isNull();
    assertThat(d.getError()).startsWith("not an AVRO CustomerEvent: ").contains("Exception");
  }

  @Test
  void truncatedAvroBodyIsADecodeDeadLetter() throws Exception {
    byte[] full = avro(event("e-1"));
    byte[] cut = java.util.Arrays.copyOf(full, full.length - 5);
    assertThat(deadLetter(AVRO.decode(cut, ORIGIN), cut, "decode").getError())
        // Where the cut lands decides which: a string's length, or a map's entries.
        .containsPattern("does not fit the \\d+ bytes left|CustomerEvent\\.\\w+: truncated");
  }

  @Test
  void errorsNameTheRootCauseThatAvroWraps() {
    assertThat(EventDecoder.describe(
        new RuntimeException("Decoding datum failed", new java.io.EOFException("at 12"))))
        .isEqualTo("RuntimeException: Decoding datum failed (caused by EOFException: at 12)");
  }

  /** The 10-byte header of the current CustomerEvent schema, then {@code body}. */
  static byte[] withHeader(int... body) throws Exception {
    byte[] header = java.util.Arrays.copyOf(avro(event("e-1")), 10);
    byte[] bytes = java.util.Arrays.copyOf(header, 10 + body.length);
    for (int i = 0; i < body.length; i++) {
      bytes[10 + i] = (byte) body[i];
    }
    return bytes;
  }

  @Test
  void aHugeDeclaredLengthIsADeadLetterNotAnOutOfMemoryError() throws Exception {
    // eventId declares 2^31 - 101 bytes (zig-zag varint); Avro would allocate them first.
    byte[] poison = withHeader(0xB6, 0xFE, 0xFF, 0xFF, 0x0F, 1, 2, 3);
    DeadLetter d = deadLetter(AVRO.decode(poison, ORIGIN), poison, "decode");
    assertThat(d.getError())
        .contains("CustomerEvent.eventId: length 2147483547 does not fit the 3 bytes left");
  }

  @Test
  void aHugeDeclaredMapIsADeadLetter() throws Exception {
    // Four one-character strings, a timestamp, then identities declaring 2^30 entries.
    byte[] poison = withHeader(2, 'a', 2, 'b', 2, 'c', 0, 2, 0x80, 0x80, 0x80, 0x80, 0x08, 0);
    DeadLetter d = deadLetter(AVRO.decode(poison, ORIGIN), poison, "decode");
    assertThat(d.getError()).contains("CustomerEvent.identities: block of 1073741824 items");
  }

  @Test
  void everyAttributeTypeDecodesFromAvro() throws Exception {
    CustomerEvent e = event("e-1");
    e.setChannel("web");
    e.setEntityId("inv-7");
    e.getIdentities().put("email", "a@b.io");
    e.getAttributes().putAll(Map.of("s", "x", "n", 3L, "d", 2.5, "b", true));
    e.getAttributes().put("z", null);
    assertThat(AVRO.decode(avro(e), ORIGIN).right()).isEqualTo(e);
  }

  @Test
  void anotherRecordTypeIsTold() throws Exception {
    ByteBuffer b = DeadLetters.of(ORIGIN, new byte[0], "decode", "x", null).toByteBuffer();
    byte[] other = new byte[b.remaining()];
    b.get(other);
    DeadLetter d = deadLetter(AVRO.decode(other, ORIGIN), other, "decode");
    assertThat(d.getError()).contains("MissingSchemaException");
  }

  @Test
  void jsonOnAnAvroInputGetsAHint() {
    byte[] json = utf8(GOOD_JSON);
    DeadLetter d = deadLetter(AVRO.decode(json, ORIGIN), json, "decode");
    assertThat(d.getError()).contains("looks like JSON");
    assertThat(d.getPayloadText()).isEqualTo(GOOD_JSON);
  }

  @Test
  void avroEventThatBreaksTheContractFailsValidation() throws Exception {
    CustomerEvent noIdentity = event("e-2");
    noIdentity.getIdentities().clear();
    byte[] bytes = avro(noIdentity);
    DeadLetter d = deadLetter(AVRO.decode(bytes, ORIGIN), bytes, "validate");
    assertThat(d.getEventId()).isEqualTo("e-2");
    assertThat(d.getError())
        .isEqualTo("InvalidEventException: identities must hold at least one identifier,"
            + " e.g. customerId");
  }

  @Test
  void decodesJson() throws Exception {
    Either<DeadLetter, CustomerEvent> r = JSON.decode(utf8(GOOD_JSON), ORIGIN);
    assertThat(r.isRight()).isTrue();
    assertThat(r.right()).isEqualTo(ContractJson.parseEvent(GOOD_JSON));
  }

  @Test
  void jsonWithAByteOrderMarkDecodes() {
    assertThat(JSON.decode(utf8("\uFEFF" + GOOD_JSON), ORIGIN).isRight()).isTrue();
  }

  @Test
  void brokenJsonIsADecodeDeadLetterWithItsText() {
    byte[] bytes = utf8("{oops");
    DeadLetter d = deadLetter(JSON.decode(bytes, ORIGIN), bytes, "decode");
    assertThat(d.getPayloadText()).isEqualTo("{oops");
    assertThat(d.getError()).startsWith("InvalidEventException: invalid JSON");
  }

  @Test
  void jsonThatIsNoObjectIsADecodeDeadLetter() {
    byte[] bytes = utf8("[1,2]");
    assertThat(deadLetter(JSON.decode(bytes, ORIGIN), bytes, "decode").getError())
        .contains("not a JSON object");
  }

  @Test
  void jsonThatBreaksTheContractIsAValidateDeadLetterWithTheEventId() {
    byte[] bytes = utf8(GOOD_JSON.replace("payment.failed", "Payment Failed"));
    DeadLetter d = deadLetter(JSON.decode(bytes, ORIGIN), bytes, "validate");
    assertThat(d.getEventId()).isEqualTo("e-1");
    assertThat(d.getError()).contains("eventType 'Payment Failed' is not dotted lowercase");
    assertThat(d.getPayloadText()).isEqualTo(new String(bytes, StandardCharsets.UTF_8));
  }

  @Test
  void bytesThatAreNotUtf8AreKeptExactly() {
    byte[] bytes = utf8(GOOD_JSON.replace("billing", "bi__ing"));
    bytes[GOOD_JSON.indexOf("billing") + 2] = (byte) 0xFF;
    bytes[GOOD_JSON.indexOf("billing") + 3] = (byte) 0xFE;
    DeadLetter d = deadLetter(JSON.decode(bytes, ORIGIN), bytes, "decode");
    assertThat(d.getPayloadText()).isNull();
    assertThat(d.getError()).contains("not UTF-8 text");
  }

  @Test
  void avroOnAJsonInputGetsAHint() throws Exception {
    byte[] bytes = avro(event("e-1"));
    DeadLetter d = deadLetter(JSON.decode(bytes, ORIGIN), bytes, "decode");
    assertThat(d.getError()).contains("looks like Avro single-object encoding");
  }

  @Test
  void aNullValueIsADecodeDeadLetter() {
    for (EventDecoder decoder : new EventDecoder[] {AVRO, JSON}) {
      DeadLetter d = deadLetter(decoder.decode(null, ORIGIN), new byte[0], "decode");
      assertThat(d.getError()).contains("no value");
      assertThat(d.getPayloadText()).isEmpty();
    }
  }

  @Test
  void fileOriginsAreKept() {
    DeadLetterOrigin file = DeadLetters.file("in/events.jsonl", 17);
    DeadLetter d = JSON.decode(utf8("nope"), file).left();
    assertThat(d.getOrigin().getKind()).isEqualTo("file");
    assertThat(d.getOrigin().getFile()).isEqualTo("in/events.jsonl");
    assertThat(d.getOrigin().getLine()).isEqualTo(17L);
    assertThat(d.getOrigin().getTopic()).isNull();
  }

  @Test
  void theDecoderIsSerializable() throws Exception {
    EventDecoder copy = InstantiationUtil.clone(JSON);
    assertThat(copy.format()).isEqualTo(InputFormat.JSON);
    assertThat(copy.decode(utf8(GOOD_JSON), ORIGIN).isRight()).isTrue();
  }
}
