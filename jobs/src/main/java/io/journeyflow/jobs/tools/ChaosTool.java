package io.journeyflow.jobs.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.journeyflow.schema.Action;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.DeadLetter;
import io.journeyflow.schema.SuppressionSignal;
import io.journeyflow.schema.json.ContractJson;
import java.io.BufferedWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The parts of scripts/chaos that are not process control: a deterministic event stream, a
 * producer, and the comparison of the committed output topics with a failure-free replay.
 */
@Command(
    name = "chaos",
    mixinStandardHelpOptions = true,
    subcommands = {ChaosTool.Prepare.class, ChaosTool.Produce.class, ChaosTool.Compare.class})
public final class ChaosTool implements Runnable {

  static final String TICK = "chaos.clock";
  private static final ObjectMapper JSON = new ObjectMapper();

  public static void main(String[] args) {
    System.exit(new CommandLine(new ChaosTool()).execute(args));
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** The seeded history in event-time order, some poison lines, a tick per partition. */
  @Command(name = "prepare", description = "Write a deterministic, time-ordered event file.")
  static final class Prepare implements Callable<Integer> {
    @Option(names = "--customers", defaultValue = "33000") int customers;
    @Option(names = "--noise", defaultValue = "5") int noise;
    @Option(names = "--seed", defaultValue = "7") long seed;
    @Option(names = "--partitions", defaultValue = "2") int partitions;
    @Option(names = "--out", required = true) Path out;

    @Override
    public Integer call() throws Exception {
      System.out.println("wrote " + prepare(out, customers, noise, seed, partitions)
          + " lines to " + out);
      return 0;
    }
  }

  /** Writes the stream; returns its number of lines. */
  public static long prepare(Path out, int customers, int noise, long seed, int partitions)
      throws Exception {
    Path raw = Files.createTempFile("chaos-history", ".jsonl");
    try {
      HistoryGenerator.write(raw, customers, noise, seed);
      List<CustomerEvent> events = new ArrayList<>();
      for (String line : Files.readAllLines(raw)) {
        events.add(ContractJson.parseEvent(line));
      }
      addBillingAndOutageStories(events, customers, seed);
      events.sort(Comparator.comparing(CustomerEvent::getOccurredAt)
          .thenComparing(CustomerEvent::getEventId));
      Instant last = events.get(events.size() - 1).getOccurredAt();
      try (BufferedWriter w = Files.newBufferedWriter(out)) {
        int n = 0;
        for (CustomerEvent e : events) {
          w.write(ContractJson.toJson(e));
          w.newLine();
          if (++n % 50_000 == 0) {
            w.write("{\"eventId\": \"poison-" + n + "\", not json");
            w.newLine();
          }
        }
        // Far past every window: every timer of the stream fires in the live job too.
        for (int p = 0; p < partitions; p++) {
          w.write(ContractJson.toJson(CustomerEvent.newBuilder()
              .setEventId("chaos-tick-" + p).setEventType(TICK).setSource("chaos")
              .setOccurredAt(last.plus(Duration.ofDays(60)))
              .setIdentities(new HashMap<>(Map.of("customerId", "chaos-clock-" + p)))
              .setAttributes(new HashMap<>()).build()));
          w.newLine();
        }
      }
      try (var lines = Files.lines(out)) {
        return lines.count();
      }
    } finally {
      Files.deleteIfExists(raw);
    }
  }

  /**
   * The generator's stories cover the cart, self-service, trial and repeat-contact rules; these
   * add the billing and outage ones, with their suppressions: one customer in ten gets a
   * failed payment, an adjustment, a chat and a resolution (two rules, SUPPRESS and RELEASE),
   * another one in ten an outage and a call (released by the restoration, or at the maximum).
   */
  static void addBillingAndOutageStories(List<CustomerEvent> events, int customers, long seed) {
    java.util.Random random = new java.util.Random(seed + 1);
    Instant start = Instant.parse("2026-10-01T00:00:00Z");
    for (int c = 0; c < customers; c++) {
      String customer = "g-" + c;
      Instant t0 = start.plus(Duration.ofMinutes(random.nextInt(60 * 24 * 20)));
      if (c % 10 == 6) {
        String invoice = "inv-" + c;
        events.add(story(customer, "b1", "payment.failed", t0, invoice, null));
        events.add(story(customer, "b2", "billing.adjustment.posted",
            t0.plus(Duration.ofHours(1)),
            invoice, null));
        events.add(story(customer, "b3", "contact.started", t0.plus(Duration.ofHours(2)), null,
            "chat"));
        events.add(story(customer, "b4", "billing.issue.resolved", t0.plus(Duration.ofDays(1)),
            invoice, null));
      } else if (c % 10 == 7) {
        String outage = "out-" + (c % 97);
        events.add(story(customer, "o1", "service.outage.reported", t0, outage, null));
        events.add(story(customer, "o2", "contact.started", t0.plus(Duration.ofHours(3)), null,
            "voice"));
        if (c % 20 == 7) {
          events.add(story(customer, "o3", "service.restored", t0.plus(Duration.ofHours(9)),
              outage, null));
        }
      }
    }
  }

  private static CustomerEvent story(String customer, String step, String type, Instant at,
      String entityId, String channel) {
    return CustomerEvent.newBuilder()
        .setEventId(customer + "-" + step).setEventType(type).setSource("chaos")
        .setChannel(channel).setOccurredAt(at)
        .setIdentities(new HashMap<>(Map.of("customerId", customer)))
        .setEntityId(entityId).setAttributes(new HashMap<>()).build();
  }

  /** Produces the file: events keyed by customer, ticks to their own partition. */
  @Command(name = "produce", description = "Produce an event file to a topic.")
  static final class Produce implements Callable<Integer> {
    @Option(names = "--bootstrap-servers", required = true) String bootstrap;
    @Option(names = "--topic", required = true) String topic;
    @Option(names = "--events", required = true) Path events;

    @Override
    public Integer call() throws Exception {
      long t0 = System.nanoTime();
      long n = produce(bootstrap, topic, events);
      System.out.printf("produced %d records in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
      return 0;
    }
  }

  /** Produces every line of the file; returns how many. */
  public static long produce(String bootstrap, String topic, Path events) throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "600000");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
        ByteArraySerializer.class.getName());
    long n = 0;
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props);
        var lines = Files.lines(events)) {
      for (String line : (Iterable<String>) lines::iterator) {
        byte[] value = line.getBytes(StandardCharsets.UTF_8);
        if (line.contains("\"" + TICK + "\"")) {
          int partition = Integer.parseInt(line.replaceAll(".*chaos-tick-(\\d+).*", "$1"));
          producer.send(new ProducerRecord<>(topic, partition, "tick", value));
        } else {
          producer.send(new ProducerRecord<>(topic, key(line), value));
        }
        n++;
      }
      producer.flush();
    }
    return n;
  }

  private static String key(String line) {
    try {
      return JSON.readTree(line).path("identities").path("customerId").asText("poison");
    } catch (Exception e) {
      return "poison";
    }
  }

  /** Compares the committed topics with the replay's files: lost, duplicated and extra. */
  @Command(name = "compare", description = "Compare committed output with a replay.")
  static final class Compare implements Callable<Integer> {
    @Option(names = "--bootstrap-servers", required = true) String bootstrap;
    @Option(names = "--expected", required = true) Path expected;
    @Option(names = "--wait", defaultValue = "PT60M",
        description = "Wait at most this long per topic for the expected counts.")
    Duration wait;
    @Option(names = "--stall", defaultValue = "PT3M",
        description = "Stop waiting for a topic when no record was committed for this long.")
    Duration stall;

    @Option(names = "--actions-topic", defaultValue = "actions") String actionsTopic;
    @Option(names = "--suppressions-topic", defaultValue = "suppressions")
    String suppressionsTopic;
    @Option(names = "--dead-letters-topic", defaultValue = "dead-letters")
    String deadLettersTopic;

    @Override
    public Integer call() throws Exception {
      return compare(bootstrap, expected, Map.of("actions", actionsTopic, "suppressions",
          suppressionsTopic, "dead-letters", deadLettersTopic), wait, stall, System.out) == 0
          ? 0 : 1;
    }
  }

  /**
   * Compares committed records with the replay's files (file stem -> topic); prints a line per
   * topic and returns the number of topics that differ. A job still working through a large
   * stream keeps committing: each topic is read until it reaches its expected count, or no
   * record came for {@code stall}, or {@code wait} passed.
   */
  public static int compare(String bootstrap, Path expected, Map<String, String> topicOf,
      Duration wait, Duration stall, java.io.PrintStream out) throws Exception {
    Map<String, Function<byte[], String>> topics = new TreeMap<>();
    topics.put("actions", v -> decode(v, Action::fromByteBuffer).getActionId());
    topics.put("suppressions", v -> {
      SuppressionSignal s = decode(v, SuppressionSignal::fromByteBuffer);
      return s.getSignalId() + "/" + s.getState();
    });
    topics.put("dead-letters", v -> {
      DeadLetter d = decode(v, DeadLetter::fromByteBuffer);
      return d.getStage() + "/" + d.getPayloadText();
    });
    Map<String, Function<JsonNode, String>> files = Map.of(
        "actions", n -> n.path("actionId").asText(),
        "suppressions", n -> n.path("signalId").asText() + "/" + n.path("state").asText(),
        "dead-letters", n -> n.path("stage").asText() + "/" + n.path("payloadText").asText());
    int bad = 0;
    for (String topic : topics.keySet()) {
      // Each topic gets the whole wait: a short one must not starve the next.
      long deadline = System.nanoTime() + wait.toNanos();
      Map<String, Integer> want = new HashMap<>();
      for (String line : Files.readAllLines(expected.resolve(topic + ".jsonl"))) {
        if (!line.isBlank()) {
          want.merge(files.get(topic).apply(JSON.readTree(line)), 1, Integer::sum);
        }
      }
      int wanted = want.values().stream().mapToInt(Integer::intValue).sum();
      Map<String, Integer> got =
          read(bootstrap, topicOf.get(topic), topics.get(topic), wanted, deadline, stall);
      long lost = 0;
      long duplicated = 0;
      long extra = 0;
      List<String> missing = new ArrayList<>();
      for (Map.Entry<String, Integer> e : want.entrySet()) {
        int g = got.getOrDefault(e.getKey(), 0);
        if (g < e.getValue()) {
          missing.add(e.getKey());
        }
        lost += Math.max(0, e.getValue() - g);
        duplicated += Math.max(0, g - e.getValue());
      }
      for (Map.Entry<String, Integer> e : got.entrySet()) {
        if (!want.containsKey(e.getKey())) {
          extra += e.getValue();
        }
      }
      int total = got.values().stream().mapToInt(Integer::intValue).sum();
      out.printf("%-13s expected %7d  committed %7d  lost %d  duplicated %d  extra %d%n",
          topic, wanted, total, lost, duplicated, extra);
      bad += lost + duplicated + extra > 0 ? 1 : 0;
      if (!missing.isEmpty()) {
        // Which records: to tell records aborted mid-stream from a job that stopped early.
        missing.sort(null);
        Files.write(expected.resolve(topic + ".missing"), missing);
        out.println("  missing ids in " + expected.resolve(topic + ".missing"));
      }
    }
    out.println(bad == 0 ? "EXACTLY ONCE: every output matches the failure-free replay"
        : "MISMATCH in " + bad + " topic(s)");
    return bad;
  }

  /** Every committed record, polled until at least {@code expected}, a stall or the deadline. */
  private static Map<String, Integer> read(String bootstrap, String topic,
      Function<byte[], String> id, int expected, long deadline, Duration stall) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
        ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
        ByteArrayDeserializer.class.getName());
    Map<String, Integer> got = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions = new ArrayList<>();
      consumer.partitionsFor(topic).forEach(p ->
          partitions.add(new TopicPartition(topic, p.partition())));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      int total = 0;
      long quietSince = System.nanoTime();
      long reported = quietSince;
      // Past the expected count, keep reading until 10 s pass without a record: duplicates
      // and extras must have their chance to show.
      long settle = Duration.ofSeconds(10).toNanos();
      while (System.nanoTime() < deadline
          && System.nanoTime() - quietSince < (total < expected ? stall.toNanos() : settle)) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          got.merge(id.apply(r.value()), 1, Integer::sum);
          total++;
          quietSince = System.nanoTime();
        }
        if (System.nanoTime() - reported > Duration.ofSeconds(30).toNanos()) {
          reported = System.nanoTime();
          System.err.printf("%s: %d of %d committed so far%n", topic, total, expected);
        }
      }
    }
    return got;
  }

  interface Decoder<T> {
    T decode(ByteBuffer buffer) throws Exception;
  }

  static <T> T decode(byte[] value, Decoder<T> decoder) {
    try {
      return decoder.decode(ByteBuffer.wrap(value));
    } catch (Exception e) {
      throw new IllegalStateException("unreadable output record", e);
    }
  }
}
