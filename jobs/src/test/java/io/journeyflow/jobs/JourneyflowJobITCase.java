package io.journeyflow.jobs;

import static io.journeyflow.jobs.testing.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.journeyflow.connectors.testing.EmbeddedKafka;
import io.journeyflow.jobs.config.JobOptions;
import io.journeyflow.jobs.decisions.PolicyLoader;
import io.journeyflow.jobs.testing.KafkaJobs;
import io.journeyflow.jobs.testing.KafkaJobs.Topics;
import io.journeyflow.jobs.testing.MiniClusters;
import io.journeyflow.patterns.RuleLoader;
import io.journeyflow.schema.Action;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.DeadLetter;
import io.journeyflow.schema.Decision;
import io.journeyflow.schema.DecisionOutcome;
import io.journeyflow.schema.SuppressionSignal;
import io.journeyflow.schema.SuppressionState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on a MiniCluster with a real Kafka broker: Avro events in, exactly-once actions and
 * suppression signals out (read_committed), and a poison record that lands in the dead-letter
 * topic while the job keeps processing what comes after it.
 */
class JourneyflowJobITCase {

  private static final Duration DEADLINE = Duration.ofSeconds(90);

  @RegisterExtension
  static final EmbeddedKafka KAFKA = new EmbeddedKafka();

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      MiniClusters.twoSlots();

  @TempDir Path checkpoints;

  @Test
  void eventsBecomeActionsAndSignalsAndPoisonBecomesADeadLetter() throws Exception {
    Topics t = new Topics(KAFKA);
    Configuration conf = t.config("avro");
    JobClient job = start(conf);
    try {
      // A billing story: failed payment, adjustment (action + suppression), resolution (release).
      t.produce(event("p1", "payment.failed", "c1", 0, "inv-1"));
      t.produce(event("p2", "billing.adjustment.posted", "c1", 60, "inv-1"));
      KAFKA.produce(t.input, "c1", "not avro at all".getBytes(StandardCharsets.UTF_8));
      t.produce(event("p2", "billing.adjustment.posted", "c1", 60, "inv-1")); // duplicate
      t.produce(event("p3", "billing.issue.resolved", "c1", 120, "inv-1"));
      // Another customer after the poison record: the job kept running. Its events are later
      // in event time than c1's: both keys land on partition 1, and an event that is older
      // than a watermark the source emitted between them would be late (a dead letter).
      t.produce(event("q1", "selfservice.failed", "c2", 130));
      t.produce(event("q2", "contact.started", "c2", 140));
      // Move event time forward on both partitions.
      t.tick("t", 600);

      List<Action> got =
          KAFKA.consumeReadCommitted(t.actions, KafkaJobs::action, 2, DEADLINE);
      assertThat(got).extracting(Action::getRuleId)
          .containsExactlyInAnyOrder("billing-adjustment-after-failed-payment",
              "selfservice-to-agent");
      Action help = got.stream().filter(a -> a.getCustomerId().equals("c1")).findFirst().get();
      assertThat(help.getActionType()).isEqualTo("SEND_HELP_CONTENT");
      assertThat(help.getTriggeringEvents()).hasSize(2);
      assertThat(help.getContext().getOpenSuppressions()).isNotEmpty();

      List<Decision> gotDecisions =
          KAFKA.consumeReadCommitted(t.decisions, KafkaJobs::decision, 2, DEADLINE);
      assertThat(gotDecisions).extracting(Decision::getOutcome)
          .containsOnly(DecisionOutcome.SENT);
      assertThat(gotDecisions).extracting(Decision::getActionId)
          .containsExactlyInAnyOrderElementsOf(got.stream().map(Action::getActionId).toList());

      List<SuppressionSignal> gotSignals =
          KAFKA.consumeReadCommitted(t.signals, KafkaJobs::signal, 2, DEADLINE);
      assertThat(gotSignals).extracting(SuppressionSignal::getState)
          .containsExactly(SuppressionState.SUPPRESS, SuppressionState.RELEASE);

      List<DeadLetter> gotDead =
          KAFKA.consumeReadCommitted(t.dead, KafkaJobs::deadLetter, 1, DEADLINE);
      assertThat(gotDead.get(0).getStage()).isEqualTo("decode");
      assertThat(gotDead.get(0).getOrigin().getTopic()).isEqualTo(t.input);
      assertThat(new String(gotDead.get(0).getPayload().array(), StandardCharsets.UTF_8))
          .isEqualTo("not avro at all");
    } finally {
      stop(job);
    }
  }

  private JobClient start(Configuration conf) throws Exception {
    return KafkaJobs.start(conf, RuleLoader.loadFromClasspath(), checkpoints, null);
  }

  @Test
  void jsonInputAndEveryKindOfRejectedInputBecomeDeadLetters() throws Exception {
    Topics t = new Topics(KAFKA);
    JobClient job = start(t.config("json"));
    try {
      json(t, null, "{\"eventId\":\"k0\",\"eventType\":\"consent.changed\",\"source\":\"web\","
          + "\"occurredAt\":\"2026-01-01T08:00:00Z\",\"identities\":{\"email\":\"k@x.io\"},"
          + "\"attributes\":{\"channel\":\"email\",\"purpose\":\"marketing\",\"granted\":true}}");
      json(t, null, "{\"eventId\":\"k1\",\"eventType\":\"cart.item_added\",\"source\":\"shop\","
          + "\"occurredAt\":\"2026-01-01T08:20:00Z\",\"identities\":{\"email\":\"k@x.io\"}}");
      json(t, null, "{\"eventId\":\"k2\",\"eventType\":\"page.viewed\",\"source\":\"web\","
          + "\"occurredAt\":\"2026-01-01T08:21:00Z\",\"identities\":{\"loyaltyCard\":\"L1\"}}");
      json(t, null, "{\"eventId\":\"k3\",");
      for (int partition = 0; partition < 2; partition++) {
        json(t, partition, "{\"eventId\":\"tick" + partition + "\",\"eventType\":\"clock.tick\","
            + "\"source\":\"t\",\"occurredAt\":\"2026-01-01T10:00:00Z\","
            + "\"identities\":{\"customerId\":\"tick\"}}");
      }
      // The cart reminder proves event time passed 09:20; an event from 08:00 is now late.
      List<Action> reminder =
          KAFKA.consumeReadCommitted(t.actions, KafkaJobs::action, 1, DEADLINE);
      assertThat(reminder.get(0).getCustomerId()).isEqualTo("email:k@x.io");
      json(t, null, "{\"eventId\":\"k4\",\"eventType\":\"cart.item_added\",\"source\":\"shop\","
          + "\"occurredAt\":\"2026-01-01T08:00:00Z\",\"identities\":{\"customerId\":\"c9\"}}");

      List<DeadLetter> dead =
          KAFKA.consumeReadCommitted(t.dead, KafkaJobs::deadLetter, 3, DEADLINE);
      assertThat(dead).extracting(DeadLetter::getStage)
          .containsExactlyInAnyOrder("identity", "decode", "late");
      DeadLetter decode = dead.stream().filter(d -> d.getStage().equals("decode")).findFirst()
          .get();
      assertThat(decode.getPayloadText()).isEqualTo("{\"eventId\":\"k3\",");
      assertThat(decode.getOrigin().getOffset()).isNotNull();
      DeadLetter late = dead.stream().filter(d -> d.getStage().equals("late")).findFirst().get();
      assertThat(late.getEventId()).isEqualTo("k4");
      assertThat(late.getPayloadText()).contains("\"eventId\":\"k4\"");
    } finally {
      stop(job);
    }
  }

  @Test
  void policyUpdatesFromTheControlTopicApplyToLaterDecisions() throws Exception {
    Topics t = new Topics(KAFKA);
    JobClient job = start(t.config("avro"));
    try {
      String bundled = PolicyLoader.loadDefault().version();
      KAFKA.produce(t.policies, "policies",
          "frequencyCaps: [{max: -1}]".getBytes(StandardCharsets.UTF_8));
      DeadLetter rejected =
          KAFKA.consumeReadCommitted(t.dead, KafkaJobs::deadLetter, 1, DEADLINE)
              .get(0);
      assertThat(rejected.getStage()).isEqualTo("policy");
      assertThat(rejected.getError())
          .startsWith("policy update rejected, policies " + bundled + " stay in force")
          .contains("'version' is required");
      assertThat(rejected.getOrigin().getTopic()).isEqualTo(t.policies);

      assertThat(probe(t, 0)).extracting(Decision::getOutcome, Decision::getPolicyVersion)
          .containsExactly(DecisionOutcome.SENT, bundled);

      KAFKA.produce(t.policies, "policies", noChatPolicies().getBytes(StandardCharsets.UTF_8));
      // The update reaches the decisions at some point after it is written: probe with one
      // new customer at a time until a decision shows it, then check what it decided.
      Decision decided = null;
      for (int i = 1; i < 60 && decided == null; i++) {
        Decision d = probe(t, i);
        if (d.getPolicyVersion().equals("it-no-chat")) {
          decided = d;
        } else {
          assertThat(d.getOutcome()).isEqualTo(DecisionOutcome.SENT);
        }
      }
      assertThat(decided).as("a decision under the updated policies").isNotNull();
      assertThat(decided.getOutcome()).isEqualTo(DecisionOutcome.BLOCKED);
      assertThat(decided.getReason()).isEqualTo("CAPPED");
      assertThat(decided.getPolicyValues()).containsEntry("cap.service.chat.24h", "0/0");
    } finally {
      stop(job);
    }
  }

  @Test
  void kafkaClientPropertiesFromTheJobConfigReachEveryClient(@TempDir Path secrets)
      throws Exception {
    // The job's own bootstrap setting points nowhere; the working one is a "secret" that only
    // Kafka's file config provider, in each client, can read. Output proves every client got it.
    Path file = secrets.resolve("kafka.properties");
    java.nio.file.Files.writeString(file, "bootstrap=" + KAFKA.bootstrapServers() + "\n");
    Topics t = new Topics(KAFKA);
    Configuration conf = t.config("avro");
    conf.set(JobOptions.BOOTSTRAP_SERVERS, "127.0.0.1:1");
    String prefix = JobOptions.KAFKA_PROPERTIES_PREFIX;
    conf.setString(prefix + "config.providers", "file");
    conf.setString(prefix + "config.providers.file.class",
        "org.apache.kafka.common.config.provider.FileConfigProvider");
    conf.setString(prefix + "bootstrap.servers", "${file:" + file + ":bootstrap}");
    assertThat(conf.toMap().toString()).doesNotContain(KAFKA.bootstrapServers());
    JobClient job = start(conf);
    try {
      t.produce(event("q1", "selfservice.failed", "c2", 10));
      t.produce(event("q2", "contact.started", "c2", 20));
      KAFKA.produce(t.policies, "policies", "not: [a policy".getBytes(StandardCharsets.UTF_8));
      t.tick("t", 600);
      assertThat(KAFKA.consumeReadCommitted(t.actions, KafkaJobs::action, 1, DEADLINE))
          .extracting(Action::getRuleId).containsExactly("selfservice-to-agent");
      assertThat(KAFKA.consumeReadCommitted(t.dead, KafkaJobs::deadLetter, 1, DEADLINE))
          .extracting(DeadLetter::getStage).containsExactly("policy");
    } finally {
      stop(job);
    }
  }

  @Test
  void theJobRefusesToStartWhileATopicIsMissing() throws Exception {
    Topics t = new Topics(KAFKA);
    String missing = KAFKA.uniqueTopic("not-created");
    java.io.PrintStream original = System.err;
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    int exit;
    try {
      System.setErr(new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
      exit = new picocli.CommandLine(new JourneyflowMain()).execute(
          "-D", JobOptions.BOOTSTRAP_SERVERS.key() + "=" + KAFKA.bootstrapServers(),
          "-D", JobOptions.INPUT_TOPICS.key() + "=" + t.input,
          "-D", JobOptions.ACTIONS_TOPIC.key() + "=" + missing);
    } finally {
      System.setErr(original);
    }
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("These topics do not exist on " + KAFKA.bootstrapServers())
        .contains(missing)
        .doesNotContain(t.input);
  }

  /** The bundled policies under a new version, with no service messages in chat at all. */
  private static String noChatPolicies() throws IOException {
    try (var in = PolicyLoader.class.getClassLoader().getResourceAsStream(PolicyLoader.CLASSPATH)) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return text.replaceFirst("(?m)^version: .*$", "version: it-no-chat")
          .replace("frequencyCaps:\n",
              "frequencyCaps:\n  - {purpose: service, channel: chat, max: 0, per: 1d}\n");
    }
  }

  /**
   * A self-service failure and a chat of customer probe-N, an hour apart from the previous
   * probe, with event time moved past it on both partitions: returns its decision.
   */
  private static Decision probe(Topics t, int n) throws IOException {
    long base = 1000L * n;
    String customer = "probe-" + n;
    CustomerEvent failed = event("f" + n, "selfservice.failed", customer, base);
    failed.getAttributes().put("intent", "billing");
    CustomerEvent chat = event("c" + n, "contact.started", customer, base + 10);
    chat.setChannel("chat");
    t.produce(failed);
    t.produce(chat);
    t.tick("tick" + n, base + 600);
    return KAFKA.consumeReadCommitted(t.decisions, KafkaJobs::decision, n + 1,
            DEADLINE).stream()
        .filter(d -> d.getCustomerId().equals(customer))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no decision for " + customer));
  }

  private static void stop(JobClient job) throws Exception {
    KafkaJobs.stop(job);
  }

  private static void json(Topics t, Integer partition, String line) {
    KAFKA.produce(t.input, partition, "k", line.getBytes(StandardCharsets.UTF_8));
  }
}
