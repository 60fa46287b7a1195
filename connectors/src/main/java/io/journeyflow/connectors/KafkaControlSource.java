package io.journeyflow.connectors;

import io.journeyflow.schema.DeadLetter;
import io.journeyflow.schema.DeadLetterOrigin;
import io.journeyflow.schema.internal.ControlRecord;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.KafkaSourceOptions;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The Kafka source of a control topic: low-volume text records (such as policy documents) that
 * change how the job behaves. It always starts from the earliest offset when there is no
 * checkpoint, so a fresh job replays every update in order and ends with the latest in force.
 * Records that are not UTF-8 text become dead letters with their coordinates.
 */
public final class KafkaControlSource {

  private KafkaControlSource() {}

  /**
   * @param bounded stop at the offsets that are latest when the job starts (tests)
   * @param properties extra consumer properties (security settings, for example)
   */
  public static KafkaSource<Either<DeadLetter, ControlRecord>> build(
      String bootstrapServers, String topic, String groupId, boolean bounded,
      Map<String, String> properties) {
    KafkaSourceBuilder<Either<DeadLetter, ControlRecord>> builder =
        KafkaSource.<Either<DeadLetter, ControlRecord>>builder()
            .setBootstrapServers(bootstrapServers)
            .setTopics(List.of(topic))
            .setGroupId(groupId)
            .setStartingOffsets(OffsetsInitializer.earliest())
            .setDeserializer(new Deserializer())
            .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
            // Its position lives in Flink's checkpoints; nothing reads committed offsets.
            .setProperty(KafkaSourceOptions.COMMIT_OFFSETS_ON_CHECKPOINT.key(), "false");
    for (Map.Entry<String, String> p : properties.entrySet()) {
      builder.setProperty(p.getKey(), p.getValue());
    }
    if (bounded) {
      builder.setBounded(OffsetsInitializer.latest());
    }
    return builder.build();
  }

  /** The record as text, or a dead letter when it is not UTF-8. */
  public static Either<DeadLetter, ControlRecord> decode(byte[] value, DeadLetterOrigin origin) {
    String text = value == null ? null : DeadLetters.utf8OrNull(value);
    if (text == null) {
      return Either.Left(DeadLetters.of(origin, value, DeadLetters.DECODE,
          value == null ? "control record without a value" : "control record is not UTF-8 text",
          null));
    }
    return Either.Right(new ControlRecord(origin, text));
  }

  /** Keeps topic, partition and offset with the text, for dead letters further on. */
  static final class Deserializer
      implements KafkaRecordDeserializationSchema<Either<DeadLetter, ControlRecord>> {

    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(
        ConsumerRecord<byte[], byte[]> record, Collector<Either<DeadLetter, ControlRecord>> out) {
      out.collect(decode(record.value(),
          DeadLetters.kafka(record.topic(), record.partition(), record.offset())));
    }

    @Override
    public TypeInformation<Either<DeadLetter, ControlRecord>> getProducedType() {
      return ConnectorTypes.controlType();
    }
  }
}
