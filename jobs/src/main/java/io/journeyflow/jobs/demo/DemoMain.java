package io.journeyflow.jobs.demo;

import io.journeyflow.jobs.JourneyflowJob;
import io.journeyflow.jobs.config.ConfigFiles;
import io.journeyflow.jobs.config.JobOptions;
import io.journeyflow.jobs.config.RuleSets;
import io.journeyflow.jobs.io.KafkaJobIO;
import io.journeyflow.patterns.RuleSet;
import io.journeyflow.schema.Action;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.DeadLetter;
import io.journeyflow.schema.IdentityMerged;
import io.journeyflow.schema.Decision;
import io.journeyflow.schema.JourneyMetrics;
import io.journeyflow.schema.DecisionOutcome;
import io.journeyflow.schema.SuppressionSignal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.FileUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The demo: runs the job on a local MiniCluster against a real broker, produces a few customer
 * stories, prints every action, suppression signal and dead letter as it is committed, and
 * stops once all expected output arrived.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Journeyflow demo run.")
public final class DemoMain implements Callable<Integer> {

  private static final int INPUT_PARTITIONS = 2;

  @Option(names = "--bootstrap", required = true, description = "Kafka bootstrap servers")
  String bootstrap;

  @Option(names = "--config", description = "Job config file (YAML)")
  Path config;

  @Option(names = "--report", defaultValue = "journeyflow-demo-report.html",
      description = "Where to write the journey report at the end (HTML)")
  Path report;

  @Option(names = "--timeout", defaultValue = "PT3M", description = "Give up after (ISO-8601)")
  Duration timeout;

  public static void main(String[] args) {
    System.exit(new CommandLine(new DemoMain()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Configuration conf = ConfigFiles.load(config, List.of());
    conf.set(JobOptions.BOOTSTRAP_SERVERS, bootstrap);
    Path checkpoints = Files.createTempDirectory("journeyflow-demo-checkpoints");
    conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
    RuleSet rules = RuleSets.load(conf);
    String input = conf.get(JobOptions.INPUT_TOPICS).get(0);
    createTopics(conf, input);

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    new JourneyflowJob(conf, rules, new KafkaJobIO(conf)).build(env);
    JobClient job = env.executeAsync("journeyflow demo");
    System.out.printf("Job %s running with %d rules; producing stories to '%s'.%n%n",
        job.getJobID(), rules.rules().size(), input);
    try {
      produce(input);
      boolean complete = watch(conf);
      System.out.println();
      System.out.println(complete
          ? "Demo complete: every expected action, signal and dead letter arrived."
          : "Demo timed out before all expected output arrived.");
      int reported = writeReport(conf);
      return complete && reported == 0 ? 0 : 1;
    } finally {
      job.cancel().get();
      // The checkpoints are the demo's own: a run leaves nothing behind in the temp folder.
      FileUtils.deleteDirectoryQuietly(checkpoints.toFile());
    }
  }

  /** The journey report of what the demo's job committed (scripts/report does the same). */
  private int writeReport(Configuration conf) {
    int rc = new CommandLine(new io.journeyflow.jobs.tools.report.ReportCli()).execute(
        "--from", conf.get(JobOptions.JOURNEY_METRICS_TOPIC),
        "--dead-letters", conf.get(JobOptions.DEAD_LETTER_TOPIC),
        "--bootstrap-servers", bootstrap,
        "--title", "Journeyflow demo",
        "--out", report.toAbsolutePath().toString());
    return rc; // the report command prints the path it wrote
  }

  private void createTopics(Configuration conf, String input) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(input, INPUT_PARTITIONS, (short) 1),
                  new NewTopic(conf.get(JobOptions.ACTIONS_TOPIC), 1, (short) 1),
                  new NewTopic(conf.get(JobOptions.SUPPRESSIONS_TOPIC), 1, (short) 1),
                  new NewTopic(conf.get(JobOptions.DEAD_LETTER_TOPIC), 1, (short) 1),
                  new NewTopic(conf.get(JobOptions.DECISIONS_TOPIC), 1, (short) 1),
                  new NewTopic(conf.get(JobOptions.ERASURES_TOPIC), 1, (short) 1),
                  new NewTopic(conf.get(JobOptions.POLICIES_TOPIC), 1, (short) 1),
                  new NewTopic(conf.get(JobOptions.JOURNEY_METRICS_TOPIC), 1, (short) 1),
                  new NewTopic(conf.get(JobOptions.IDENTITY_TOPIC), 1, (short) 1),
                  new NewTopic(conf.get(JobOptions.IDENTITY_CONFLICTS_TOPIC), 1, (short) 1),
                  new NewTopic(conf.get(JobOptions.IDENTITY_LINKS_TOPIC), INPUT_PARTITIONS,
                      (short) 1)))
          .all()
          .get();
    }
  }

  private void produce(String topic) throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
      for (CustomerEvent event : DemoStories.events()) {
        String key = event.getIdentities().values().iterator().next();
        producer.send(new ProducerRecord<>(topic, key, bytes(event))).get();
      }
      byte[] poison = "{\"eventId\": \"oops\", not json".getBytes(StandardCharsets.UTF_8);
      producer.send(new ProducerRecord<>(topic, 0, "poison", poison)).get();
      for (int partition = 0; partition < INPUT_PARTITIONS; partition++) {
        CustomerEvent tick = DemoStories.clock(partition);
        producer.send(new ProducerRecord<>(topic, partition, "clock", bytes(tick))).get();
      }
    }
  }

  /** Collected while watching, for the report at the end. */
  private final List<JourneyMetrics> journeyMetrics = new java.util.ArrayList<>();
  private final List<DeadLetter> deadLetterRecords = new java.util.ArrayList<>();

  private boolean watch(Configuration conf) {
    String actions = conf.get(JobOptions.ACTIONS_TOPIC);
    String signals = conf.get(JobOptions.SUPPRESSIONS_TOPIC);
    String deadLetters = conf.get(JobOptions.DEAD_LETTER_TOPIC);
    String decisions = conf.get(JobOptions.DECISIONS_TOPIC);
    String metrics = conf.get(JobOptions.JOURNEY_METRICS_TOPIC);
    String identity = conf.get(JobOptions.IDENTITY_TOPIC);
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "journeyflow-demo-watcher");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
        ByteArrayDeserializer.class.getName());
    int seenActions = 0;
    int seenSignals = 0;
    int seenDead = 0;
    int seenDecisions = 0;
    int seenMerges = 0;
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      consumer.subscribe(List.of(actions, signals, deadLetters, decisions, metrics, identity));
      // The journey metrics of the stories' windows come with the same checkpoints as the
      // rest; a little more polling after the last expected record collects them.
      long settle = Long.MAX_VALUE;
      while (System.nanoTime() < Math.min(deadline, settle)) {
        if (settle == Long.MAX_VALUE
            && seenActions >= DemoStories.EXPECTED_ACTIONS
            && seenSignals >= DemoStories.EXPECTED_SIGNALS
            && seenDead >= DemoStories.EXPECTED_DEAD_LETTERS
            && seenDecisions >= DemoStories.EXPECTED_DECISIONS
            && seenMerges >= expectedMerges(conf)) {
          settle = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          ByteBuffer value = ByteBuffer.wrap(record.value());
          try {
            if (record.topic().equals(actions)) {
              System.out.println(Printer.describe(Action.fromByteBuffer(value)));
              seenActions++;
            } else if (record.topic().equals(signals)) {
              System.out.println(Printer.describe(SuppressionSignal.fromByteBuffer(value)));
              seenSignals++;
            } else if (record.topic().equals(identity)) {
              System.out.println(Printer.describe(IdentityMerged.fromByteBuffer(value)));
              seenMerges++;
            } else if (record.topic().equals(metrics)) {
              JourneyMetrics m = JourneyMetrics.fromByteBuffer(value);
              journeyMetrics.add(m);
              System.out.println(Printer.describe(m));
            } else if (record.topic().equals(decisions)) {
              // Sent ones show as actions; print the decisions that held something back.
              Decision decision = Decision.fromByteBuffer(value);
              if (decision.getOutcome() != DecisionOutcome.SENT) {
                System.out.println(Printer.describe(decision));
              }
              seenDecisions++;
            } else {
              DeadLetter dead = DeadLetter.fromByteBuffer(value);
              deadLetterRecords.add(dead);
              System.out.println(Printer.describe(dead));
              seenDead++;
            }
          } catch (java.io.IOException e) {
            System.out.println("UNREADABLE record on " + record.topic() + ": " + e);
          }
        }
      }
    }
    System.out.printf("%nSeen %d decision(s), %d action(s), %d suppression signal(s),"
        + " %d dead letter(s), %d journey metrics record(s), %d identity merge(s).%n",
        seenDecisions, seenActions, seenSignals, seenDead, journeyMetrics.size(), seenMerges);
    return seenActions >= DemoStories.EXPECTED_ACTIONS
        && seenSignals >= DemoStories.EXPECTED_SIGNALS
        && seenDead >= DemoStories.EXPECTED_DEAD_LETTERS
        && seenDecisions >= DemoStories.EXPECTED_DECISIONS
        && seenMerges >= expectedMerges(conf);
  }

  /** With identity resolution, Fay's device and email are absorbed by her account. */
  private static int expectedMerges(Configuration conf) {
    return conf.get(JobOptions.IDENTITY_RESOLUTION) ? DemoStories.EXPECTED_MERGES : 0;
  }

  private static byte[] bytes(CustomerEvent event) throws java.io.IOException {
    ByteBuffer buffer = event.toByteBuffer();
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }
}
