package io.journeyflow.connectors;

import io.journeyflow.schema.DeadLetter;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.KafkaSourceOptions;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The Kafka source of a topic the job writes and reads itself (such as the identity loop): Avro
 * records in single-object encoding, from the earliest offset when there is no checkpoint.
 * Its position lives in Flink's checkpoints. A record that does not decode becomes a dead
 * letter with its coordinates rather than stopping the job.
 */
public final class KafkaRecordSource {

  private KafkaRecordSource() {}

  /** Decodes one record value (a generated class's {@code fromByteBuffer}). */
  @FunctionalInterface
  public interface Decoder<T> extends java.io.Serializable {
    T decode(ByteBuffer value) throws Exception;
  }

  /**
   * @param properties extra consumer properties (security settings, for example)
   */
  public static <T extends SpecificRecordBase> KafkaSource<Either<DeadLetter, T>> build(
      String bootstrapServers, String topic, String groupId, Class<T> recordClass,
      Decoder<T> decoder, Map<String, String> properties) {
    KafkaSourceBuilder<Either<DeadLetter, T>> builder =
        KafkaSource.<Either<DeadLetter, T>>builder()
            .setBootstrapServers(bootstrapServers)
            .setTopics(List.of(topic))
            .setGroupId(groupId)
            .setStartingOffsets(OffsetsInitializer.earliest())
            .setDeserializer(new Deserializer<>(recordClass, decoder))
            .setProperty(KafkaSourceOptions.COMMIT_OFFSETS_ON_CHECKPOINT.key(), "false");
    for (Map.Entry<String, String> p : properties.entrySet()) {
      builder.setProperty(p.getKey(), p.getValue());
    }
    return builder.build();
  }

  /** The decoded record, or a dead letter with topic, partition and offset. */
  static final class Deserializer<T extends SpecificRecordBase>
      implements KafkaRecordDeserializationSchema<Either<DeadLetter, T>> {

    private static final long serialVersionUID = 1L;

    private final Class<T> recordClass;
    private final Decoder<T> decoder;

    Deserializer(Class<T> recordClass, Decoder<T> decoder) {
      this.recordClass = recordClass;
      this.decoder = decoder;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record,
        Collector<Either<DeadLetter, T>> out) {
      try {
        out.collect(Either.Right(decoder.decode(ByteBuffer.wrap(record.value()))));
      } catch (Exception e) {
        out.collect(Either.Left(DeadLetters.of(
            DeadLetters.kafka(record.topic(), record.partition(), record.offset()),
            record.value(), DeadLetters.DECODE,
            "not a " + recordClass.getSimpleName() + " record: " + e, null)));
      }
    }

    @Override
    public TypeInformation<Either<DeadLetter, T>> getProducedType() {
      return new EitherTypeInfo<>(ConnectorTypes.deadLetter(), ConnectorTypes.avro(recordClass));
    }
  }
}
