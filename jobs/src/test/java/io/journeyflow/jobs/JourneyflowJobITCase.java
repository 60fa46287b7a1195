package io.journeyflow.jobs;

import static io.journeyflow.jobs.testing.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.journeyflow.connectors.testing.EmbeddedKafka;
import io.journeyflow.jobs.config.JobOptions;
import io.journeyflow.jobs.decisions.PolicyLoader;
import io.journeyflow.jobs.testing.MiniClusters;
import io.journeyflow.jobs.io.KafkaJobIO;
import io.journeyflow.patterns.RuleLoader;
import io.journeyflow.schema.Action;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.DeadLetter;
import io.journeyflow.schema.Decision;
import io.journeyflow.schema.DecisionOutcome;
import io.journeyflow.schema.SuppressionSignal;
import io.journeyflow.schema.SuppressionState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
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
    Topics t = new Topics();
    Configuration conf = t.config("avro");
    JobClient job = start(conf);
    try {
      // A billing story: failed payment, adjustment (action + suppression), resolution (release).
      produce(t.input, event("p1", "payment.failed", "c1", 0, "inv-1"));
      produce(t.input, event("p2", "billing.adjustment.posted", "c1", 60, "inv-1"));
      KAFKA.produce(t.input, "c1", "not avro at all".getBytes(StandardCharsets.UTF_8));
      produce(t.input, event("p2", "billing.adjustment.posted", "c1", 60, "inv-1")); // duplicate
      produce(t.input, event("p3", "billing.issue.resolved", "c1", 120, "inv-1"));
      // Another customer after the poison record: the job kept running.
      produce(t.input, event("q1", "selfservice.failed", "c2", 10));
      produce(t.input, event("q2", "contact.started", "c2", 20));
      // Move event time forward on both partitions.
      produce(t.input, event("t1", "clock.tick", "t-a", 600));
      produce(t.input, event("t2", "clock.tick", "t-b", 600));
      produce(t.input, event("t3", "clock.tick", "t-c", 600));
      produce(t.input, event("t4", "clock.tick", "t-d", 600));

      List<Action> got =
          KAFKA.consumeReadCommitted(t.actions, JourneyflowJobITCase::action, 2, DEADLINE);
      assertThat(got).extracting(Action::getRuleId)
          .containsExactlyInAnyOrder("billing-adjustment-after-failed-payment",
              "selfservice-to-agent");
      Action help = got.stream().filter(a -> a.getCustomerId().equals("c1")).findFirst().get();
      assertThat(help.getActionType()).isEqualTo("SEND_HELP_CONTENT");
      assertThat(help.getTriggeringEvents()).hasSize(2);
      assertThat(help.getContext().getOpenSuppressions()).isNotEmpty();

      List<Decision> gotDecisions =
          KAFKA.consumeReadCommitted(t.decisions, JourneyflowJobITCase::decision, 2, DEADLINE);
      assertThat(gotDecisions).extracting(Decision::getOutcome)
          .containsOnly(DecisionOutcome.SENT);
      assertThat(gotDecisions).extracting(Decision::getActionId)
          .containsExactlyInAnyOrderElementsOf(got.stream().map(Action::getActionId).toList());

      List<SuppressionSignal> gotSignals =
          KAFKA.consumeReadCommitted(t.signals, JourneyflowJobITCase::signal, 2, DEADLINE);
      assertThat(gotSignals).extracting(SuppressionSignal::getState)
          .containsExactly(SuppressionState.SUPPRESS, SuppressionState.RELEASE);

      List<DeadLetter> gotDead =
          KAFKA.consumeReadCommitted(t.dead, JourneyflowJobITCase::deadLetter, 1, DEADLINE);
      assertThat(gotDead.get(0).getStage()).isEqualTo("decode");
      assertThat(gotDead.get(0).getOrigin().getTopic()).isEqualTo(t.input);
      assertThat(new String(gotDead.get(0).getPayload().array(), StandardCharsets.UTF_8))
          .isEqualTo("not avro at all");
    } finally {
      stop(job);
    }
  }

  /** Fresh topics for one test. */
  private static final class Topics {
    final String input = KAFKA.uniqueTopic("events");
    final String actions = KAFKA.uniqueTopic("actions");
    final String signals = KAFKA.uniqueTopic("signals");
    final String dead = KAFKA.uniqueTopic("dead");
    final String decisions = KAFKA.uniqueTopic("decisions");
    final String erasures = KAFKA.uniqueTopic("erasures");
    final String policies = KAFKA.uniqueTopic("policies");

    Topics() throws Exception {
      KAFKA.createTopic(policies, 1);
      KAFKA.createTopic(decisions, 1);
      KAFKA.createTopic(erasures, 1);
      KAFKA.createTopic(input, 2);
      KAFKA.createTopic(actions, 1);
      KAFKA.createTopic(signals, 1);
      KAFKA.createTopic(dead, 1);
    }

    Configuration config(String format) {
      Configuration conf = new Configuration();
      conf.set(JobOptions.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers());
      conf.set(JobOptions.INPUT_TOPICS, List.of(input));
      conf.set(JobOptions.INPUT_FORMAT, format);
      conf.set(JobOptions.ACTIONS_TOPIC, actions);
      conf.set(JobOptions.SUPPRESSIONS_TOPIC, signals);
      conf.set(JobOptions.DEAD_LETTER_TOPIC, dead);
      conf.set(JobOptions.DECISIONS_TOPIC, decisions);
      conf.set(JobOptions.ERASURES_TOPIC, erasures);
      conf.set(JobOptions.POLICIES_TOPIC, policies);
      conf.set(JobOptions.TRANSACTIONAL_ID_PREFIX, input);
      conf.set(JobOptions.STARTING_OFFSETS, "earliest");
      conf.set(JobOptions.OUT_OF_ORDERNESS, Duration.ofSeconds(1));
      conf.set(JobOptions.IDLENESS, Duration.ofSeconds(2));
      return conf;
    }
  }

  private JobClient start(Configuration conf) throws Exception {
    Configuration flink = new Configuration();
    flink.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
    flink.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
    flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
    flink.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(500));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
    env.setParallelism(2);
    new JourneyflowJob(conf, RuleLoader.loadFromClasspath(), new KafkaJobIO(conf)).build(env);
    return env.executeAsync("it");
  }

  @Test
  void jsonInputAndEveryKindOfRejectedInputBecomeDeadLetters() throws Exception {
    Topics t = new Topics();
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
          KAFKA.consumeReadCommitted(t.actions, JourneyflowJobITCase::action, 1, DEADLINE);
      assertThat(reminder.get(0).getCustomerId()).isEqualTo("email:k@x.io");
      json(t, null, "{\"eventId\":\"k4\",\"eventType\":\"cart.item_added\",\"source\":\"shop\","
          + "\"occurredAt\":\"2026-01-01T08:00:00Z\",\"identities\":{\"customerId\":\"c9\"}}");

      List<DeadLetter> dead =
          KAFKA.consumeReadCommitted(t.dead, JourneyflowJobITCase::deadLetter, 3, DEADLINE);
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
    Topics t = new Topics();
    JobClient job = start(t.config("avro"));
    try {
      String bundled = PolicyLoader.loadDefault().version();
      KAFKA.produce(t.policies, "policies",
          "frequencyCaps: [{max: -1}]".getBytes(StandardCharsets.UTF_8));
      DeadLetter rejected =
          KAFKA.consumeReadCommitted(t.dead, JourneyflowJobITCase::deadLetter, 1, DEADLINE)
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
    produce(t.input, failed);
    produce(t.input, chat);
    for (int partition = 0; partition < 2; partition++) {
      CustomerEvent tick = event("tick" + n + "-" + partition, "clock.tick", "tick", base + 600);
      KAFKA.produce(t.input, partition, "tick", bytes(tick.toByteBuffer()));
    }
    return KAFKA.consumeReadCommitted(t.decisions, JourneyflowJobITCase::decision, n + 1,
            DEADLINE).stream()
        .filter(d -> d.getCustomerId().equals(customer))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no decision for " + customer));
  }

  /** Cancels and waits until the job is gone, so nothing writes to the checkpoint dir after. */
  private static void stop(JobClient job) throws Exception {
    job.cancel().get();
    try {
      job.getJobExecutionResult().get(60, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException cancelled) {
      // expected: a cancelled job completes exceptionally
    }
  }

  private static void json(Topics t, Integer partition, String line) {
    KAFKA.produce(t.input, partition, "k", line.getBytes(StandardCharsets.UTF_8));
  }

  private static void produce(String topic, CustomerEvent event) throws IOException {
    KAFKA.produce(topic, event.getIdentities().get("customerId"), bytes(event.toByteBuffer()));
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }

  private static Action action(byte[] bytes) {
    try {
      return Action.fromByteBuffer(ByteBuffer.wrap(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static SuppressionSignal signal(byte[] bytes) {
    try {
      return SuppressionSignal.fromByteBuffer(ByteBuffer.wrap(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Decision decision(byte[] bytes) {
    try {
      return Decision.fromByteBuffer(ByteBuffer.wrap(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static DeadLetter deadLetter(byte[] bytes) {
    try {
      return DeadLetter.fromByteBuffer(ByteBuffer.wrap(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
