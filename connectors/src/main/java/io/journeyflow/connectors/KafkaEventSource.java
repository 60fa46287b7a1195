package io.journeyflow.connectors;

import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.DeadLetter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** The Kafka source of customer events; bad records become dead letters, never failures. */
public final class KafkaEventSource {

  private KafkaEventSource() {}

  public static KafkaSource<Either<DeadLetter, CustomerEvent>> build(KafkaSourceSettings s) {
    KafkaSourceBuilder<Either<DeadLetter, CustomerEvent>> builder =
        KafkaSource.<Either<DeadLetter, CustomerEvent>>builder()
            .setBootstrapServers(s.bootstrapServers())
            .setTopics(s.topics())
            .setGroupId(s.groupId())
            .setStartingOffsets(startingOffsets(s.startingOffsets()))
            .setDeserializer(new Deserializer(new EventDecoder(s.format())))
            // Upstream producers may write transactionally: never read aborted data.
            .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
            .setProperty("partition.discovery.interval.ms", "60000");
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
   */
  public static KafkaSource<Either<DeadLetter, CustomerEvent>> range(
      String bootstrapServers, List<String> topics, InputFormat format, long fromMillis,
      long toMillis) {
    return KafkaSource.<Either<DeadLetter, CustomerEvent>>builder()
        .setBootstrapServers(bootstrapServers)
        .setTopics(topics)
        .setGroupId("journeyflow-backtest")
        .setStartingOffsets(OffsetsInitializer.timestamp(fromMillis))
        .setBounded(OffsetsInitializer.timestamp(toMillis))
        .setDeserializer(new Deserializer(new EventDecoder(format)))
        .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
        // A backtest reads history; it must not move the live job's committed offsets.
        .setProperty("commit.offsets.on.checkpoint", "false")
        .build();
  }

  static OffsetsInitializer startingOffsets(String value) {
    switch (value.toLowerCase(Locale.ROOT)) {
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
