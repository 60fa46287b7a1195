package io.journeyflow.connectors;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyflow.schema.CustomerEvent;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.junit.jupiter.api.Test;

/** Compiled Avro serializers: Avro's bytes and snapshots, with and without copies. */
class UnchangedAvroTypeInfoTest {

  private final CustomerEvent event = EventDecoderTest.event("e1");

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
    assertThat(ours.getCopyOfBuffer()).isEqualTo(serializedByAvro(event));
    CustomerEvent read =
        serializer().deserialize(new DataInputDeserializer(ours.getCopyOfBuffer()));
    assertThat(read).isEqualTo(event).isNotSameAs(event);
  }

  @Test
  void isTheSameTypeAsAvrosForUnions() {
    assertThat(new UnchangedAvroTypeInfo<>(CustomerEvent.class))
        .isEqualTo(new AvroTypeInfo<>(CustomerEvent.class));
  }

  @Test
  void theCopyingVariantCopiesAndWritesAvrosBytes() throws Exception {
    TypeSerializer<CustomerEvent> copying = new CompiledAvroTypeInfo<>(CustomerEvent.class)
        .createSerializer(new SerializerConfigImpl());
    assertThat(copying.copy(event)).isEqualTo(event).isNotSameAs(event);
    assertThat(copying.duplicate()).isEqualTo(copying).isNotEqualTo(serializer());
    DataOutputSerializer ours = new DataOutputSerializer(256);
    copying.serialize(event, ours);
    assertThat(ours.getCopyOfBuffer()).isEqualTo(serializedByAvro(event));
  }

  /** State written by Avro's serializer is read on with ours, and the other way round. */
  @Test
  void stateOfEitherSerializerIsCompatibleAsIs() {
    TypeSerializer<CustomerEvent> avro =
        new AvroTypeInfo<>(CustomerEvent.class).createSerializer(new SerializerConfigImpl());
    TypeSerializer<CustomerEvent> compiled =
        CompiledAvroTypeInfo.serializer(CustomerEvent.class);
    assertThat(compiled.snapshotConfiguration()
            .resolveSchemaCompatibility(avro.snapshotConfiguration())
            .isCompatibleAsIs())
        .isTrue();
    assertThat(avro.snapshotConfiguration()
            .resolveSchemaCompatibility(serializer().snapshotConfiguration())
            .isCompatibleAsIs())
        .isTrue();
  }

  private static byte[] serializedByAvro(CustomerEvent e) throws Exception {
    DataOutputSerializer avro = new DataOutputSerializer(256);
    new AvroTypeInfo<>(CustomerEvent.class).createSerializer(new SerializerConfigImpl())
        .serialize(e, avro);
    return avro.getCopyOfBuffer();
  }

  private static TypeSerializer<CustomerEvent> serializer() {
    return new UnchangedAvroTypeInfo<>(CustomerEvent.class)
        .createSerializer(new SerializerConfigImpl());
  }
}
