package io.journeyflow.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.journeyflow.connectors.testing.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.flink.connector.kafka.sink.internal.FlinkKafkaInternalProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What exactly-once output after a failure rests on, against a real Kafka 4.2 broker with its
 * default transaction protocol (version 2): the Kafka sink's recovery commit of a checkpointed
 * transaction, by a new producer resumed from the (producer id, epoch) in the checkpoint.
 */
class KafkaTransactionRecoveryITCase {

  @RegisterExtension static final EmbeddedKafka KAFKA = new EmbeddedKafka();

  @Test
  void aTransactionLeftOpenByADeadWriterIsCommittedByTheRecoveredCommitter() throws Exception {
    String topic = KAFKA.uniqueTopic("recovery");
    KAFKA.createTopic(topic, 1);
    String id = topic + "-0-1";
    FlinkKafkaInternalProducer<byte[], byte[]> writer = openTransaction(id, topic, "a");
    long producerId = writer.getProducerId();
    short epoch = writer.getEpoch();
    // The writer's TaskManager dies here: no commit, no abort, the transaction stays open.

    try (FlinkKafkaInternalProducer<byte[], byte[]> committer = producer(id)) {
      committer.resumeTransaction(producerId, epoch);
      committer.commitTransaction();
    } finally {
      writer.close(Duration.ZERO);
    }
    assertThat(committedValues(topic)).containsExactly("a");
  }

  /**
   * Under transaction protocol 2 every commit bumps the producer epoch, so the recovery commit
   * of a transaction that was committed before the failure is refused as fenced: the
   * connector's "Unable to commit transaction ... fenced" error after a restore is then
   * harmless, and the records stay committed once.
   */
  @Test
  void reCommittingAnAlreadyCommittedTransactionIsFencedAndLosesNothing() throws Exception {
    String topic = KAFKA.uniqueTopic("recommit");
    KAFKA.createTopic(topic, 1);
    String id = topic + "-0-1";
    long producerId;
    short epoch;
    try (FlinkKafkaInternalProducer<byte[], byte[]> writer = openTransaction(id, topic, "b")) {
      producerId = writer.getProducerId();
      epoch = writer.getEpoch();
      writer.commitTransaction();
    }
    try (FlinkKafkaInternalProducer<byte[], byte[]> committer = producer(id)) {
      committer.resumeTransaction(producerId, epoch);
      assertThatThrownBy(committer::commitTransaction)
          .isInstanceOf(ProducerFencedException.class);
    }
    assertThat(committedValues(topic)).containsExactly("b");
  }

  private static FlinkKafkaInternalProducer<byte[], byte[]> openTransaction(
      String id, String topic, String value) throws Exception {
    FlinkKafkaInternalProducer<byte[], byte[]> writer = producer(id);
    writer.initTransactions();
    writer.beginTransaction();
    writer.send(new ProducerRecord<>(topic, value.getBytes(StandardCharsets.UTF_8))).get();
    writer.flush();
    return writer;
  }

  private static FlinkKafkaInternalProducer<byte[], byte[]> producer(String transactionalId) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "600000");
    return new FlinkKafkaInternalProducer<>(props, transactionalId);
  }

  private static List<String> committedValues(String topic) {
    return KAFKA.drainReadCommitted(topic, v -> new String(v, StandardCharsets.UTF_8),
        Duration.ofSeconds(2), Duration.ofSeconds(30));
  }
}
