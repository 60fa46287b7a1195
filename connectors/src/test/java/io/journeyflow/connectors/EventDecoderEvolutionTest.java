package io.journeyflow.connectors;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.DeadLetter;
import io.journeyflow.schema.history.ContractHistory;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.Test;

/**
 * Events written with an earlier CustomerEvent schema are still read: single-object encoding
 * names the writer schema by fingerprint, so the decoder must know every released version.
 */
class EventDecoderEvolutionTest {

  /** The contract as it would have been before {@code entityId} (a field with a default). */
  private static Schema beforeEntityId() {
    Schema current = CustomerEvent.getClassSchema();
    List<Schema.Field> fields = current.getFields().stream()
        .filter(f -> !f.name().equals("entityId"))
        .map(f -> new Schema.Field(f, f.schema()))
        .toList();
    return Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(),
        false, fields);
  }

  private static byte[] write(Schema writer, boolean withEntity) throws Exception {
    GenericRecord r = new GenericData.Record(writer);
    r.put("eventId", "e1");
    r.put("eventType", "payment.failed");
    r.put("source", "billing");
    r.put("channel", "web");
    r.put("occurredAt", 1_767_225_600_000L);
    r.put("identities", Map.of("customerId", "c1"));
    r.put("attributes", Map.of("amount", 12.5));
    if (withEntity) {
      r.put("entityId", "inv-1");
    }
    ByteBuffer buffer = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), writer)
        .encode(r);
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }

  @Test
  void recordsOfAnEarlierSchemaDecodeWithTheNewFieldsDefaults() throws Exception {
    Schema old = beforeEntityId();
    assertThat(SchemaCompatibility.checkReaderWriterCompatibility(
        CustomerEvent.getClassSchema(), old).getType())
        .isEqualTo(SchemaCompatibilityType.COMPATIBLE);

    Either<DeadLetter, CustomerEvent> got = new EventDecoder(InputFormat.AVRO, List.of(old))
        .decode(write(old, false), DeadLetters.kafka("events", 0, 0));
    assertThat(got.isRight()).as("%s", got).isTrue();
    assertThat(got.right().getEventId()).isEqualTo("e1");
    assertThat(got.right().getEntityId()).isNull();
    assertThat(got.right().getAttributes()).containsEntry("amount", 12.5);

    // Without that version in its history the reader cannot even tell which schema it was.
    Either<DeadLetter, CustomerEvent> unknown = new EventDecoder(InputFormat.AVRO, List.of())
        .decode(write(old, false), DeadLetters.kafka("events", 0, 1));
    assertThat(unknown.isLeft()).isTrue();
    assertThat(unknown.left().getStage()).isEqualTo(DeadLetters.DECODE);
  }

  @Test
  void everyReleasedSchemaIsReadByTheCurrentOne() throws Exception {
    List<Schema> released = ContractHistory.customerEvent();
    assertThat(released).isNotEmpty();
    EventDecoder decoder = new EventDecoder(InputFormat.AVRO);
    for (Schema writer : released) {
      assertThat(SchemaCompatibility.checkReaderWriterCompatibility(
          CustomerEvent.getClassSchema(), writer).getType())
          .as("current reader, released writer").isEqualTo(SchemaCompatibilityType.COMPATIBLE);
      Either<DeadLetter, CustomerEvent> got =
          decoder.decode(write(writer, true), DeadLetters.kafka("events", 0, 0));
      assertThat(got.isRight()).as("%s", got).isTrue();
      assertThat(got.right().getEntityId()).isEqualTo("inv-1");
    }
  }
}
