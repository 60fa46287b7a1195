package io.journeyflow.connectors;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyflow.connectors.testing.EmbeddedKafka;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.DeadLetter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Either;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real broker and a real Flink job: good records reach the events topic and bad ones the
 * dead-letter topic with their coordinates and bytes, exactly once, in committed transactions.
 */
class KafkaConnectorsITCase {

  @RegisterExtension static final EmbeddedKafka KAFKA = new EmbeddedKafka();

  @RegisterExtension static final MiniClusterExtension FLINK = FlinkTestCluster.create();

  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final Duration QUIET = Duration.ofMillis(500);

  /** One test's topics. */
  record Topics(String in, String events, String dead) {
    static Topics create(int inputPartitions) throws Exception {
      Topics t =
          new Topics(KAFKA.uniqueTopic("in"), KAFKA.uniqueTopic("events"),
              KAFKA.uniqueTopic("dead"));
      KAFKA.createTopic(t.in, inputPartitions);
      KAFKA.createTopic(t.events, 1);
      KAFKA.createTopic(t.dead, 1);
      return t;
    }
  }

  @Test
  void avroInputWithPoisonRecordsExactlyOnce() throws Exception {
    Topics t = Topics.create(2);
    KAFKA.produce(t.in, 0, "c-1", EventDecoderTest.avro(event("e-1", "c-1")));
    byte[] junk = {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    RecordMetadata poison = KAFKA.produce(t.in, 0, "c-1", junk);
    CustomerEvent noIdentity = event("e-bad", "c-2");
    noIdentity.getIdentities().clear();
    byte[] invalid = EventDecoderTest.avro(noIdentity);
    RecordMetadata invalidAt = KAFKA.produce(t.in, 1, "c-2", invalid);
    RecordMetadata tombstone = KAFKA.produce(t.in, 1, "c-2", null);
    KAFKA.produce(t.in, 1, "c-2", EventDecoderTest.avro(event("e-2", "c-2")));
    // Aborted records take offsets but must never be read (isolation.level=read_committed).
    KAFKA.produceAborted(t.in, 0, "c-3", EventDecoderTest.avro(event("e-aborted", "c-3")));
    KAFKA.produce(t.in, 0, "c-3", EventDecoderTest.avro(event("e-3", "c-3")));

    run(t, InputFormat.AVRO);

    List<ConsumerRecord<byte[], byte[]>> events =
        KAFKA.consumeRecordsReadCommitted(t.events, 3, DEADLINE);
    assertThat(events)
        .extracting(r -> new String(r.key(), StandardCharsets.UTF_8) + " " + decode(r).getEventId())
        .containsExactlyInAnyOrder("c-1 e-1", "c-2 e-2", "c-3 e-3");
    assertThat(KAFKA.drainReadCommitted(t.events, b -> b, QUIET, DEADLINE)).hasSize(3);

    List<DeadLetter> dead =
        KAFKA.consumeReadCommitted(t.dead, KafkaConnectorsITCase::deadLetter, 3, DEADLINE);
    assertThat(KAFKA.drainReadCommitted(t.dead, b -> b, QUIET, DEADLINE)).hasSize(3);
    DeadLetter junkLetter = at(dead, poison);
    assertThat(junkLetter.getStage()).isEqualTo("decode");
    assertThat(junkLetter.getOrigin().getKind()).isEqualTo("kafka");
    assertThat(junkLetter.getOrigin().getTopic()).isEqualTo(t.in);
    assertThat(junkLetter.getPayload()).isEqualTo(ByteBuffer.wrap(junk));
    assertThat(junkLetter.getPayloadText()).isNull();
    assertThat(junkLetter.getError()).startsWith("not an AVRO CustomerEvent");

    DeadLetter invalidLetter = at(dead, invalidAt);
    assertThat(invalidLetter.getStage()).isEqualTo("validate");
    assertThat(invalidLetter.getEventId()).isEqualTo("e-bad");
    assertThat(invalidLetter.getPayload()).isEqualTo(ByteBuffer.wrap(invalid));

    assertThat(at(dead, tombstone).getError()).contains("no value");
  }

  @Test
  void jsonInputWithAPoisonLine() throws Exception {
    Topics t = Topics.create(1);
    KAFKA.produce(t.in, "c-1", json("j-1", "c-1"));
    String poisonLine = "{\"eventId\":\"j-2\", this is not JSON";
    RecordMetadata poison = KAFKA.produce(t.in, "c-1", poisonLine.getBytes(StandardCharsets.UTF_8));
    KAFKA.produce(t.in, "c-2", json("j-3", "c-2"));

    run(t, InputFormat.JSON);

    assertThat(KAFKA.consumeReadCommitted(t.events, KafkaConnectorsITCase::decode, 2, DEADLINE))
        .extracting(CustomerEvent::getEventId)
        .containsExactly("j-1", "j-3");
    List<DeadLetter> dead =
        KAFKA.drainReadCommitted(t.dead, KafkaConnectorsITCase::deadLetter, QUIET,
            DEADLINE);
    assertThat(dead).hasSize(1);
    DeadLetter d = at(dead, poison);
    assertThat(d.getStage()).isEqualTo("decode");
    assertThat(d.getPayloadText()).isEqualTo(poisonLine);
    assertThat(d.getError()).startsWith("InvalidEventException: invalid JSON");
  }

  /** Reads the input topic to its end now, writing both sides with exactly-once sinks. */
  private static void run(Topics t, InputFormat format) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    env.enableCheckpointing(500);
    KafkaSourceSettings source =
        KafkaSourceSettings.of(KAFKA.bootstrapServers(), List.of(t.in), "it-" + t.in, format)
            .withStartingOffsets("earliest")
            .withBounded(true);
    DataStream<Either<DeadLetter, CustomerEvent>> in =
        env.fromSource(KafkaEventSource.build(source), WatermarkStrategy.noWatermarks(), "in");
    KafkaSinkSettings sink = KafkaSinkSettings.exactlyOnce(KAFKA.bootstrapServers(), t.in);
    in.flatMap(new Split.Events())
        .returns(ConnectorTypes.customerEvent())
        .sinkTo(KafkaSinks.avro(sink, t.events, new CustomerKey()));
    in.flatMap(new Split.DeadLetters())
        .returns(ConnectorTypes.deadLetter())
        .sinkTo(KafkaSinks.avro(sink, t.dead, DeadLetter::getEventId));
    env.execute("connectors " + format);
  }

  /** Key of an event: its customerId. */
  static final class CustomerKey implements KeyExtractor<CustomerEvent> {
    @Override
    public String key(CustomerEvent e) {
      return e.getIdentities().get("customerId");
    }
  }

  static CustomerEvent event(String id, String customer) {
    CustomerEvent e = EventDecoderTest.event(id);
    e.setIdentities(new java.util.HashMap<>(Map.of("customerId", customer)));
    return e;
  }

  static byte[] json(String id, String customer) {
    return io.journeyflow.schema.json.ContractJson.toJson(event(id, customer))
        .getBytes(StandardCharsets.UTF_8);
  }

  static CustomerEvent decode(ConsumerRecord<byte[], byte[]> r) {
    return decode(r.value());
  }

  static CustomerEvent decode(byte[] value) {
    try {
      return CustomerEvent.fromByteBuffer(ByteBuffer.wrap(value));
    } catch (Exception e) {
      throw new AssertionError("not a CustomerEvent", e);
    }
  }

  static DeadLetter deadLetter(byte[] value) {
    try {
      return DeadLetter.fromByteBuffer(ByteBuffer.wrap(value));
    } catch (Exception e) {
      throw new AssertionError("not a DeadLetter", e);
    }
  }

  /** The dead letter of the input record at {@code m}. */
  static DeadLetter at(List<DeadLetter> dead, RecordMetadata m) {
    return dead.stream()
        .filter(d -> d.getOrigin().getTopic().equals(m.topic())
            && d.getOrigin().getPartition() == m.partition()
            && d.getOrigin().getOffset() == m.offset())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no dead letter for " + m + " in " + dead));
  }
}
