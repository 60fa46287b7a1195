package io.journeyflow.connectors.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real single-node Kafka broker (KRaft, combined mode) in the test JVM, one per test class
 * ({@code @RegisterExtension static final EmbeddedKafka KAFKA = new EmbeddedKafka();}), with
 * helpers that poll with deadlines instead of sleeping. Give each test its own topics
 * ({@link #uniqueTopic}): tests of a class share the broker.
 */
public final class EmbeddedKafka implements BeforeAllCallback, AfterAllCallback {

  private static final AtomicInteger TOPICS = new AtomicInteger();
  private static final Duration POLL = Duration.ofMillis(100);

  private final Map<String, String> brokerProperties;
  private KafkaClusterTestKit cluster;
  private KafkaProducer<String, byte[]> producer;

  public EmbeddedKafka() {
    this(Map.of());
  }

  /** With extra broker properties, which win over the defaults below. */
  public EmbeddedKafka(Map<String, String> brokerProperties) {
    this.brokerProperties = Map.copyOf(brokerProperties);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    KafkaClusterTestKit.Builder builder =
        new KafkaClusterTestKit.Builder(
                new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .build())
            // A single broker cannot hold the default 3 replicas of internal topics: consumer
            // groups and transactions would hang.
            .setConfigProp("offsets.topic.replication.factor", "1")
            .setConfigProp("offsets.topic.num.partitions", "1")
            .setConfigProp("transaction.state.log.replication.factor", "1")
            .setConfigProp("transaction.state.log.min.isr", "1")
            .setConfigProp("transaction.state.log.num.partitions", "1")
            .setConfigProp("share.coordinator.state.topic.replication.factor", "1")
            .setConfigProp("share.coordinator.state.topic.min.isr", "1")
            .setConfigProp("group.initial.rebalance.delay.ms", "0")
            // Above the sinks' default transaction timeout (15 min), so tests can use it.
            .setConfigProp("transaction.max.timeout.ms", "3600000")
            // Tests create their topics: a typo in a topic name must not pass silently.
            .setConfigProp("auto.create.topics.enable", "false");
    brokerProperties.forEach(builder::setConfigProp);
    cluster = builder.build();
    cluster.format();
    cluster.startup();
    cluster.waitForReadyBrokers();
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    producer = new KafkaProducer<>(props);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    try {
      if (producer != null) {
        producer.close(Duration.ofSeconds(5));
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  /** A topic name no other test uses (not created: see {@link #createTopic}). */
  public String uniqueTopic(String prefix) {
    return prefix + "-" + TOPICS.incrementAndGet() + "-"
        + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Creates a topic with replication factor 1 and waits until it exists. */
  public void createTopic(String name, int partitions) throws Exception {
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
    }
  }

  public Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
  }

  /** Sends synchronously: the record is on the broker (acks=all) when this returns. */
  public RecordMetadata produce(String topic, String key, byte[] value) {
    return produce(topic, null, key, value);
  }

  /** To one partition (null: by key). */
  public RecordMetadata produce(String topic, Integer partition, String key, byte[] value) {
    return produce(topic, partition, null, key, value);
  }

  /** With an explicit record timestamp (e.g. the event time, as producers usually set it). */
  public RecordMetadata produce(
      String topic, Integer partition, Long timestamp, String key, byte[] value) {
    try {
      return producer.send(new ProducerRecord<>(topic, partition, timestamp, key, value)).get();
    } catch (Exception e) {
      throw new IllegalStateException("cannot produce to " + topic, e);
    }
  }

  /**
   * Writes records in a transaction and aborts it: read_committed consumers must never see
   * them (but they take offsets).
   */
  public void produceAborted(String topic, Integer partition, String key, byte[]... values) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "embedded-kafka-" + UUID.randomUUID());
    try (KafkaProducer<String, byte[]> tx =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      tx.initTransactions();
      tx.beginTransaction();
      for (byte[] value : values) {
        tx.send(new ProducerRecord<>(topic, partition, key, value));
      }
      tx.flush();
      tx.abortTransaction();
    }
  }

  /**
   * Polls committed records (values) until {@code expected} arrived; fails with what came by
   * then. Reads from the beginning of every partition, with no consumer group.
   */
  public <T> List<T> consumeReadCommitted(
      String topic, Function<byte[], T> decode, int expected, Duration deadline) {
    return consumeRecordsReadCommitted(topic, expected, deadline).stream()
        .map(r -> decode.apply(r.value()))
        .collect(Collectors.toCollection(ArrayList::new));
  }

  /** As {@link #consumeReadCommitted}, but whole records: keys, partitions, offsets. */
  public List<ConsumerRecord<byte[], byte[]>> consumeRecordsReadCommitted(
      String topic, int expected, Duration deadline) {
    List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
    long end = System.nanoTime() + deadline.toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(topic)) {
      while (got.size() < expected && System.nanoTime() < end) {
        consumer.poll(POLL).forEach(got::add);
      }
    }
    if (got.size() < expected) {
      throw new AssertionError(
          "expected " + expected + " committed record(s) on " + topic + " within " + deadline
              + ", got " + got.size() + ": " + got);
    }
    return got;
  }

  /** Polls committed records until one matches; fails with what came by the deadline. */
  public <T> T awaitReadCommitted(String topic, Function<byte[], T> decode,
      java.util.function.Predicate<T> match, Duration deadline) {
    List<T> seen = new ArrayList<>();
    long end = System.nanoTime() + deadline.toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(topic)) {
      while (System.nanoTime() < end) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
          T value = decode.apply(r.value());
          if (match.test(value)) {
            return value;
          }
          seen.add(value);
        }
      }
    }
    throw new AssertionError("no matching committed record on " + topic + " within " + deadline
        + "; saw " + seen);
  }

  /**
   * Everything committed on the topic, read until nothing more arrives for {@code quiet} (or
   * the deadline passes): for asserting that no more records than expected were written.
   */
  public <T> List<T> drainReadCommitted(
      String topic, Function<byte[], T> decode, Duration quiet, Duration deadline) {
    List<T> got = new ArrayList<>();
    long end = System.nanoTime() + deadline.toNanos();
    long quietUntil = System.nanoTime() + quiet.toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(topic)) {
      while (System.nanoTime() < end && System.nanoTime() < quietUntil) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
          got.add(decode.apply(r.value()));
          quietUntil = System.nanoTime() + quiet.toNanos();
        }
      }
    }
    return got;
  }

  private KafkaConsumer<byte[], byte[]> consumer(String topic) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props);
    List<TopicPartition> partitions = new ArrayList<>();
    consumer.partitionsFor(topic)
        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
    if (partitions.isEmpty()) {
      consumer.close();
      throw new IllegalStateException("topic " + topic + " does not exist: create it first");
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return consumer;
  }
}
