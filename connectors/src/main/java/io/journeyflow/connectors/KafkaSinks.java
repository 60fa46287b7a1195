package io.journeyflow.connectors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Kafka sinks of Avro records in single-object encoding, keyed for per-customer order. */
public final class KafkaSinks {

  private KafkaSinks() {}

  public static <T extends SpecificRecordBase> KafkaSink<T> avro(
      KafkaSinkSettings s, String topic, KeyExtractor<T> key) {
    KafkaSinkBuilder<T> builder =
        KafkaSink.<T>builder()
            .setBootstrapServers(s.bootstrapServers())
            .setDeliveryGuarantee(s.guarantee())
            // One prefix per sink: two sinks of one job must never share transactional ids.
            .setTransactionalIdPrefix(s.transactionalIdPrefix() + "-" + topic)
            .setRecordSerializer(new AvroRecordSerializer<>(topic, key))
            .setProperty(
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                Long.toString(s.transactionTimeout().toMillis()));
    for (Map.Entry<String, String> p : s.properties().entrySet()) {
      builder.setProperty(p.getKey(), p.getValue());
    }
    return builder.build();
  }

  /** Value: the record's single-object encoding; key: UTF-8 of the extracted key. */
  static final class AvroRecordSerializer<T extends SpecificRecordBase>
      implements KafkaRecordSerializationSchema<T> {

    private final String topic;
    private final KeyExtractor<T> key;

    AvroRecordSerializer(String topic, KeyExtractor<T> key) {
      this.topic = topic;
      this.key = key;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
        T record, KafkaSinkContext context, Long timestamp) {
      String k = key.key(record);
      return new ProducerRecord<>(
          topic,
          null,
          timestamp,
          k == null ? null : k.getBytes(StandardCharsets.UTF_8),
          encode(record));
    }

    private transient BinaryMessageEncoder<T> encoder;

    byte[] encode(T record) {
      if (encoder == null) {
        // The generated class's own model carries its logical-type conversions (Instant).
        encoder =
            new BinaryMessageEncoder<>(
                SpecificData.getForSchema(record.getSchema()), record.getSchema());
      }
      try {
        ByteBuffer buffer = encoder.encode(record);
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot encode " + record.getSchema().getName(), e);
      }
    }
  }
}
