package io.journeyflow.jobs.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyflow.jobs.testing.Events;
import io.journeyflow.schema.CustomerEvent;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.junit.jupiter.api.Test;

class UnchangedAvroTypeInfoTest {

  private final CustomerEvent event = Events.event("e1", "payment.failed", "c1", 5);

  @Test
  void chainedOperatorsGetTheRecordItself() {
    TypeSerializer<CustomerEvent> serializer = serializer();
    assertThat(serializer.copy(event)).isSameAs(event);
    assertThat(serializer.copy(event, null)).isSameAs(event);
    assertThat(serializer.duplicate().copy(event)).isSameAs(event);
    assertThat(serializer.duplicate()).isNotSameAs(serializer).isEqualTo(serializer);
  }

  @Test
  void recordsAreWrittenAsAvroWritesThem() throws Exception {
    DataOutputSerializer ours = new DataOutputSerializer(256);
    serializer().serialize(event, ours);
    DataOutputSerializer avro = new DataOutputSerializer(256);
    new AvroTypeInfo<>(CustomerEvent.class).createSerializer(new SerializerConfigImpl())
        .serialize(event, avro);
    assertThat(ours.getCopyOfBuffer()).isEqualTo(avro.getCopyOfBuffer());
    CustomerEvent read =
        serializer().deserialize(new DataInputDeserializer(ours.getCopyOfBuffer()));
    assertThat(read).isEqualTo(event).isNotSameAs(event);
  }

  @Test
  void isTheSameTypeAsAvrosForUnions() {
    assertThat(new UnchangedAvroTypeInfo<>(CustomerEvent.class))
        .isEqualTo(new AvroTypeInfo<>(CustomerEvent.class));
  }

  private static TypeSerializer<CustomerEvent> serializer() {
    return new UnchangedAvroTypeInfo<>(CustomerEvent.class)
        .createSerializer(new SerializerConfigImpl());
  }
}
