package io.journeyflow.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.MissingSchemaException;
import org.junit.jupiter.api.Test;

/** The Kafka encoding is what the README says: marker, writer fingerprint, binary body. */
public class SingleObjectEncodingTest {

  /** A small valid event. */
  public static CustomerEvent event() {
    return CustomerEvent.newBuilder()
        .setEventId("e-1")
        .setEventType("payment.failed")
        .setSource("billing")
        .setOccurredAt(Instant.parse("2026-11-01T10:00:00Z"))
        .setIdentities(Map.of("customerId", "c-1"))
        .build();
  }

  @Test
  void startsWithMarkerAndTheWriterSchemaFingerprint() throws Exception {
    ByteBuffer bytes = event().toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    assertThat(bytes.get(0)).isEqualTo((byte) 0xC3);
    assertThat(bytes.get(1)).isEqualTo((byte) 0x01);
    assertThat(bytes.getLong(2))
        .isEqualTo(SchemaNormalization.parsingFingerprint64(CustomerEvent.getClassSchema()));
    assertThat(CustomerEvent.fromByteBuffer(event().toByteBuffer())).isEqualTo(event());
  }

  @Test
  void aReaderTellsRecordsOfAnotherSchemaApart() throws Exception {
    ByteBuffer action =
        SuppressionSignal.newBuilder()
            .setSignalId("s")
            .setCustomerId("c")
            .setState(SuppressionState.RELEASE)
            .setScopes(java.util.List.of())
            .setReason("r")
            .setRuleId("r")
            .setJourney("j")
            .setAt(Instant.EPOCH)
            .build()
            .toByteBuffer();
    assertThatThrownBy(() -> CustomerEvent.fromByteBuffer(action))
        .isInstanceOf(MissingSchemaException.class);
  }
}
