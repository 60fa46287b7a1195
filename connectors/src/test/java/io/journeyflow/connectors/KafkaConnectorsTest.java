package io.journeyflow.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.DeadLetter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.util.InstantiationUtil;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** Kafka source and sink building blocks, without a broker. */
class KafkaConnectorsTest {

  private static final KafkaSourceSettings SOURCE =
      KafkaSourceSettings.of("localhost:9092", List.of("events"), "g", InputFormat.JSON);

  @Test
  void theDeserializerTurnsEveryRecordIntoOneElementAndNamesItsCoordinates() throws Exception {
    KafkaEventSource.Deserializer deserializer =
        new KafkaEventSource.Deserializer(new EventDecoder(InputFormat.JSON));
    List<Either<DeadLetter, CustomerEvent>> out = new ArrayList<>();
    Collector<Either<DeadLetter, CustomerEvent>> collector = new ListCollector<>(out);
    deserializer.deserialize(new ConsumerRecord<>("events", 2, 7L, null, null), collector);
    deserializer.deserialize(
        new ConsumerRecord<>("events", 2, 8L, null,
            EventDecoderTest.GOOD_JSON.getBytes(StandardCharsets.UTF_8)), collector);
    assertThat(out).hasSize(2);
    DeadLetter tombstone = out.get(0).left();
    assertThat(tombstone.getOrigin()).isEqualTo(DeadLetters.kafka("events", 2, 7L));
    assertThat(tombstone.getStage()).isEqualTo("decode");
    assertThat(out.get(1).right().getEventId()).isEqualTo("e-1");
    assertThat(deserializer.getProducedType()).isEqualTo(ConnectorTypes.decodedType());
  }

  @Test
  void sourceSettingsHaveDefaultsAndRejectMistakesEarly() {
    assertThat(SOURCE.startingOffsets()).isEqualTo("committed-or-earliest");
    assertThat(SOURCE.bounded()).isFalse();
    assertThat(SOURCE.properties()).isEmpty();
    assertThat(new KafkaSourceSettings("k:1", List.of("t"), "g", InputFormat.AVRO, null, false,
        null).startingOffsets()).isEqualTo("committed-or-earliest");
    for (String ok : List.of("earliest", "latest", "committed-or-earliest", "EARLIEST")) {
      assertThat(SOURCE.withStartingOffsets(ok).startingOffsets()).isEqualTo(ok);
    }
    assertThatThrownBy(() -> SOURCE.withStartingOffsets("newest"))
        .hasMessageContaining("unknown starting offsets 'newest'");
    assertThatThrownBy(() -> KafkaSourceSettings.of("k:1", List.of(), "g", InputFormat.AVRO))
        .hasMessageContaining("topics must name at least one topic");
    assertThatThrownBy(() -> KafkaSourceSettings.of(" ", List.of("t"), "g", InputFormat.AVRO))
        .hasMessageContaining("bootstrapServers must not be blank");
    assertThatThrownBy(() -> KafkaSourceSettings.of("k:1", List.of("t"), "", InputFormat.AVRO))
        .hasMessageContaining("groupId must not be blank");
  }

  @Test
  void settingsCannotChangeUnderABuiltSource() {
    List<String> topics = new ArrayList<>(List.of("a"));
    Map<String, String> props = new HashMap<>(Map.of("x", "1"));
    KafkaSourceSettings s =
        new KafkaSourceSettings("k:1", topics, "g", InputFormat.AVRO, "latest", true, props);
    topics.add("b");
    props.put("y", "2");
    assertThat(s.topics()).containsExactly("a");
    assertThat(s.properties()).containsExactly(Map.entry("x", "1"));
  }

  @Test
  void sourcesAreSerializableAndBoundedOnRequest() throws Exception {
    KafkaSource<Either<DeadLetter, CustomerEvent>> unbounded = KafkaEventSource.build(SOURCE);
    assertThat(unbounded.getBoundedness().name()).isEqualTo("CONTINUOUS_UNBOUNDED");
    KafkaSource<Either<DeadLetter, CustomerEvent>> bounded =
        KafkaEventSource.build(SOURCE.withBounded(true));
    assertThat(bounded.getBoundedness().name()).isEqualTo("BOUNDED");
    assertThat(InstantiationUtil.clone(bounded).getProducedType())
        .isEqualTo(ConnectorTypes.decodedType());
    assertThat(KafkaEventSource.range("k:1", List.of("t"), InputFormat.AVRO, 0, 10)
        .getBoundedness().name()).isEqualTo("BOUNDED");
    assertThatThrownBy(() -> KafkaEventSource.range("k:1", List.of("t"), InputFormat.AVRO, 10, 0))
        .hasMessageContaining("ends");
  }

  @Test
  void sinkSettingsDefaultToExactlyOnceWithFifteenMinuteTransactions() {
    KafkaSinkSettings s = new KafkaSinkSettings("k:1", null, "job-1", null, null);
    assertThat(s.guarantee()).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
    assertThat(s.transactionTimeout()).isEqualTo(Duration.ofMinutes(15));
    assertThat(s.properties()).isEmpty();
    assertThat(KafkaSinkSettings.exactlyOnce("k:1", "job-1")).isEqualTo(s);
  }

  @Test
  void exactlyOnceNeedsATransactionalIdPrefixTheOthersDoNot() {
    assertThatThrownBy(() -> KafkaSinkSettings.exactlyOnce("k:1", " "))
        .hasMessageContaining("EXACTLY_ONCE needs a transactionalIdPrefix");
    for (DeliveryGuarantee g : List.of(DeliveryGuarantee.AT_LEAST_ONCE, DeliveryGuarantee.NONE)) {
      KafkaSinkSettings s = new KafkaSinkSettings("k:1", g, null, null, Map.of());
      KafkaSink<DeadLetter> sink = KafkaSinks.avro(s, "dead", DeadLetter::getEventId);
      assertThat(sink).isNotNull();
    }
    assertThatThrownBy(
        () -> KafkaSinkSettings.exactlyOnce("k:1", "p").withTransactionTimeout(Duration.ZERO))
        .hasMessageContaining("transactionTimeout must be positive");
  }

  @Test
  void eachSinkOfAJobHasItsOwnTransactionalIds() throws Exception {
    KafkaSinkSettings s = KafkaSinkSettings.exactlyOnce("k:1", "journeyflow-prod");
    assertThat(KafkaSinks.transactionalIdPrefix(s, "actions"))
        .isEqualTo("journeyflow-prod-actions")
        .isNotEqualTo(KafkaSinks.transactionalIdPrefix(s, "dead-letters"));
    KafkaSink<DeadLetter> sink = KafkaSinks.avro(s, "dead", DeadLetter::getEventId);
    assertThat(InstantiationUtil.clone(sink)).isNotNull();
  }

  @Test
  void sinkRecordsAreKeyedUtf8AndValuedInSingleObjectEncoding() throws Exception {
    KafkaSinks.AvroRecordSerializer<CustomerEvent> serializer =
        new KafkaSinks.AvroRecordSerializer<>(
            "out", e -> e.getIdentities().get("customerId"), RecordTimestamp.EVENT_TIME);
    CustomerEvent event = EventDecoderTest.event("e-9");
    event.getIdentities().put("customerId", "cüstomer");
    ProducerRecord<byte[], byte[]> record = serializer.serialize(event, null, 1234L);
    assertThat(record.topic()).isEqualTo("out");
    assertThat(record.partition()).isNull();
    assertThat(record.timestamp()).isEqualTo(1234L);
    assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("cüstomer");
    assertThat(record.value()).startsWith((byte) 0xC3, (byte) 0x01);
    assertThat(CustomerEvent.fromByteBuffer(ByteBuffer.wrap(record.value()))).isEqualTo(event);
    ByteBuffer avros = event.toByteBuffer();
    assertThat(ByteBuffer.wrap(record.value())).as("Avro's own encoding").isEqualTo(avros);
    // After Java serialization (as shipped to a task) it still encodes.
    KafkaSinks.AvroRecordSerializer<CustomerEvent> shipped = InstantiationUtil.clone(serializer);
    assertThat(shipped.serialize(event, null, null).value()).isEqualTo(record.value());

    KafkaSinks.AvroRecordSerializer<CustomerEvent> unkeyed =
        new KafkaSinks.AvroRecordSerializer<>("out", e -> null, RecordTimestamp.EVENT_TIME);
    assertThat(unkeyed.serialize(event, null, null).key()).isNull();
  }

  /**
   * Brokers delete records whose timestamp is older than the retention: output decided on old
   * events (a replay of history) must not carry their event time unless asked to.
   */
  @Test
  void sinkRecordsCarryTheWriteTimeUnlessEventTimeIsAskedFor() {
    KafkaSinkSettings s = KafkaSinkSettings.exactlyOnce("k:1", "job-1");
    assertThat(s.recordTimestamp()).isEqualTo(RecordTimestamp.WRITE_TIME);
    assertThat(new KafkaSinkSettings("k:1", null, "p", null, null, null).recordTimestamp())
        .isEqualTo(RecordTimestamp.WRITE_TIME);
    CustomerEvent event = EventDecoderTest.event("e-10");
    long monthsAgo = 1_000L;
    assertThat(new KafkaSinks.AvroRecordSerializer<CustomerEvent>(
            "out", e -> null, s.recordTimestamp())
        .serialize(event, null, monthsAgo).timestamp())
        .as("null: the producer stamps the time of writing")
        .isNull();
    assertThat(new KafkaSinks.AvroRecordSerializer<CustomerEvent>(
            "out", e -> null, s.withRecordTimestamp(RecordTimestamp.EVENT_TIME).recordTimestamp())
        .serialize(event, null, monthsAgo).timestamp())
        .isEqualTo(monthsAgo);
  }
}
