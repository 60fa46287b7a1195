package io.journeyflow.connectors;

import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.DeadLetter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
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
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The Kafka source of customer events. Every record becomes either an event or a dead letter
 * that names its topic, partition and offset; bad records never fail the job.
 */
public final class KafkaEventSource {

  private KafkaEventSource() {}

  /**
   * Reads with {@code isolation.level=read_committed} unless the settings' properties say
   * otherwise: producers that write in transactions (such as Flink's exactly-once sinks) must
   * not have their aborted records read.
   */
  public static KafkaSource<Either<DeadLetter, CustomerEvent>> build(KafkaSourceSettings s) {
    KafkaSourceBuilder<Either<DeadLetter, CustomerEvent>> builder =
        base(s.bootstrapServers(), s.topics(), s.format())
            .setGroupId(s.groupId())
            .setStartingOffsets(startingOffsets(s.startingOffsets()));
    if (!s.bounded()) {
      // New partitions of the input topics are picked up within a minute.
      builder.setProperty(KafkaSourceOptions.PARTITION_DISCOVERY_INTERVAL_MS.key(), "60000");
    }
    for (Map.Entry<String, String> p : s.properties().entrySet()) {
      builder.setProperty(p.getKey(), p.getValue());
    }
    if (s.bounded()) {
      builder.setBounded(OffsetsInitializer.latest());
    }
    return builder.build();
  }

  /**
   * A bounded read of one time range of topics (Kafka record timestamps), for backtests: from
   * the first offset at or after {@code fromMillis} to the first at or after {@code toMillis}.
   * It commits no offsets, so it cannot move a live job's consumer group.
   */
  public static KafkaSource<Either<DeadLetter, CustomerEvent>> range(
      String bootstrapServers, List<String> topics, InputFormat format, long fromMillis,
      long toMillis) {
    if (toMillis < fromMillis) {
      throw new IllegalArgumentException(
          "the range ends (" + toMillis + ") before it starts (" + fromMillis + ")");
    }
    return base(bootstrapServers, topics, format)
        .setGroupId("journeyflow-backtest")
        .setStartingOffsets(OffsetsInitializer.timestamp(fromMillis))
        .setBounded(OffsetsInitializer.timestamp(toMillis))
        .setProperty(KafkaSourceOptions.COMMIT_OFFSETS_ON_CHECKPOINT.key(), "false")
        .build();
  }

  private static KafkaSourceBuilder<Either<DeadLetter, CustomerEvent>> base(
      String bootstrapServers, List<String> topics, InputFormat format) {
    return KafkaSource.<Either<DeadLetter, CustomerEvent>>builder()
        .setBootstrapServers(bootstrapServers)
        .setTopics(topics)
        .setDeserializer(new Deserializer(new EventDecoder(format)))
        .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
  }

  /** earliest, latest or committed-or-earliest (case-insensitive). */
  static OffsetsInitializer startingOffsets(String value) {
    switch (Objects.requireNonNull(value, "startingOffsets").trim().toLowerCase(Locale.ROOT)) {
      case "earliest":
        return OffsetsInitializer.earliest();
      case "latest":
        return OffsetsInitializer.latest();
      case "committed-or-earliest":
        return OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
      default:
        throw new IllegalArgumentException(
            "unknown starting offsets '" + value
                + "': use earliest, latest or committed-or-earliest");
    }
  }

  /** Decodes a record's value, remembering topic, partition and offset for dead letters. */
  static final class Deserializer
      implements KafkaRecordDeserializationSchema<Either<DeadLetter, CustomerEvent>> {

    private static final long serialVersionUID = 1L;

    private final EventDecoder decoder;

    Deserializer(EventDecoder decoder) {
      this.decoder = decoder;
    }

    @Override
    public void deserialize(
        ConsumerRecord<byte[], byte[]> record, Collector<Either<DeadLetter, CustomerEvent>> out) {
      out.collect(
          decoder.decode(
              record.value(),
              DeadLetters.kafka(record.topic(), record.partition(), record.offset())));
    }

    @Override
    public TypeInformation<Either<DeadLetter, CustomerEvent>> getProducedType() {
      return ConnectorTypes.decodedType();
    }
  }
}
