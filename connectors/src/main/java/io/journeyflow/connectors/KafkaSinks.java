package io.journeyflow.connectors;

import io.journeyflow.schema.codec.SingleObjectWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Kafka sinks of Avro records in single-object encoding, keyed for per-customer order. */
public final class KafkaSinks {

  private KafkaSinks() {}

  /**
   * A sink of {@code T} to {@code topic}: value = the record's Avro single-object encoding
   * (readable with the generated class's {@code fromByteBuffer}), key = UTF-8 of {@code key}'s
   * result (null for no key), so records with one key keep their order in one partition.
   * Guarantee, transactional ids and timeout: see {@link KafkaSinkSettings}.
   */
  public static <T extends SpecificRecordBase> KafkaSink<T> avro(
      KafkaSinkSettings s, String topic, KeyExtractor<T> key) {
    KafkaSourceSettings.requireText(topic, "topic");
    Objects.requireNonNull(key, "key");
    KafkaSinkBuilder<T> builder =
        KafkaSink.<T>builder()
            .setBootstrapServers(s.bootstrapServers())
            .setDeliveryGuarantee(s.guarantee())
            .setRecordSerializer(new AvroRecordSerializer<>(topic, key, s.recordTimestamp()))
            .setProperty(
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                Long.toString(s.transactionTimeout().toMillis()));
    if (s.guarantee() == DeliveryGuarantee.EXACTLY_ONCE) {
      builder.setTransactionalIdPrefix(transactionalIdPrefix(s, topic));
    }
    for (Map.Entry<String, String> p : s.properties().entrySet()) {
      builder.setProperty(p.getKey(), p.getValue());
    }
    return builder.build();
  }

  /** One prefix per sink: two sinks of one job must never share transactional ids. */
  static String transactionalIdPrefix(KafkaSinkSettings s, String topic) {
    return s.transactionalIdPrefix() + "-" + topic;
  }

  /** Value: the record's single-object encoding; key: UTF-8 of the extracted key. */
  static final class AvroRecordSerializer<T extends SpecificRecordBase>
      implements KafkaRecordSerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final String topic;
    private final KeyExtractor<T> key;
    private final RecordTimestamp recordTimestamp;
    // Built on first use, for the record's own class (its model knows the logical types).
    private transient SingleObjectWriter<T> writer;

    AvroRecordSerializer(String topic, KeyExtractor<T> key, RecordTimestamp recordTimestamp) {
      this.topic = topic;
      this.key = key;
      this.recordTimestamp = recordTimestamp;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
        T record, KafkaSinkContext context, Long timestamp) {
      String k = key.key(record);
      return new ProducerRecord<>(
          topic,
          null,
          // null: the producer stamps the write time.
          recordTimestamp == RecordTimestamp.EVENT_TIME ? timestamp : null,
          k == null ? null : k.getBytes(StandardCharsets.UTF_8),
          encode(record));
    }

    @SuppressWarnings("unchecked")
    byte[] encode(T record) {
      if (writer == null) {
        writer = new SingleObjectWriter<>((Class<T>) record.getClass());
      }
      return writer.encode(record);
    }
  }
}
