package io.journeyflow.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyflow.connectors.testing.EmbeddedKafka;
import io.journeyflow.jobs.config.JobOptions;
import io.journeyflow.jobs.testing.Events;
import io.journeyflow.jobs.testing.KafkaJobs;
import io.journeyflow.jobs.testing.KafkaJobs.Topics;
import io.journeyflow.jobs.testing.MiniClusters;
import io.journeyflow.patterns.RuleLoader;
import io.journeyflow.schema.Action;
import io.journeyflow.schema.ContextEvent;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.IdentityMerged;
import io.journeyflow.schema.SuppressionSignal;
import io.journeyflow.schema.SuppressionState;
import io.journeyflow.schema.internal.IdentityMessage;
import io.journeyflow.schema.internal.JourneyTransfer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Identity resolution end to end (journeyflow.identity.resolution): a real broker carries the
 * events, the identity graph's loop topic and its merge records.
 */
class IdentityITCase {

  private static final Duration DEADLINE = Duration.ofSeconds(90);

  @RegisterExtension static final EmbeddedKafka KAFKA = new EmbeddedKafka();

  @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

  @TempDir Path checkpoints;

  /** The job's topics, and those of identity resolution. */
  private static final class IdentityTopics {
    final Topics t = new Topics(KAFKA);
    final String identity = KAFKA.uniqueTopic("identity");
    final String links = KAFKA.uniqueTopic("identity-links");
    final String conflicts = KAFKA.uniqueTopic("identity-conflicts");

    IdentityTopics() throws Exception {
      KAFKA.createTopic(identity, 1);
      KAFKA.createTopic(links, 2);
      KAFKA.createTopic(conflicts, 1);
    }

    Configuration config() {
      Configuration conf = t.config("avro");
      conf.set(JobOptions.IDENTITY_RESOLUTION, true);
      conf.set(JobOptions.IDENTITY_TOPIC, identity);
      conf.set(JobOptions.IDENTITY_LINKS_TOPIC, links);
      conf.set(JobOptions.IDENTITY_CONFLICTS_TOPIC, conflicts);
      return conf;
    }
  }

  @Test
  void aLoginBetweenThemMakesAWebVisitorAChatContactAndABillingAccountOneCustomer()
      throws Exception {
    IdentityTopics it = new IdentityTopics();
    Topics t = it.t;
    String identity = it.identity;
    JobClient job = KafkaJobs.start(it.config(), RuleLoader.loadFromClasspath(), checkpoints,
        null);
    try {
      // Only the login says that the device, the email and the account are one person.
      produceStory(t, "d1", "A7", "inv-1", "ann@x.io");
      CustomerEvent chat = event("c1", "contact.started", 40, null, Map.of("email", "ann@x.io"));
      chat.setChannel("chat");
      produce(t, chat);
      t.tick("t", 600);

      List<Action> actions =
          KAFKA.consumeReadCommitted(t.actions, KafkaJobs::action, 1, DEADLINE);
      assertThat(actions).filteredOn(a -> a.getRuleId().equals("billing-contact-after-adjustment"))
          .singleElement()
          .satisfies(a -> {
            assertThat(a.getCustomerId()).isEqualTo("accountId:A7");
            assertThat(a.getTriggeringEvents()).hasSize(3);
          });

      List<IdentityMerged> merges =
          KAFKA.consumeReadCommitted(identity, IdentityITCase::merged, 2, DEADLINE);
      assertThat(merges).extracting(IdentityMerged::getAbsorbedId, IdentityMerged::getSurvivingId)
          .contains(org.assertj.core.groups.Tuple.tuple("deviceId:d1", "accountId:A7"));
      assertThat(merges).filteredOn(m -> m.getAbsorbedId().equals("deviceId:d1"))
          .singleElement()
          .satisfies(m -> assertThat(m.getEventId()).isEqualTo("l1"));
    } finally {
      KafkaJobs.stop(job);
    }
  }

  @Test
  void anOpenSuppressionAndAPartialMatchMoveToTheCustomerThatAbsorbsIt() throws Exception {
    IdentityTopics it = new IdentityTopics();
    Topics t = it.t;
    JobClient job = KafkaJobs.start(it.config(), RuleLoader.loadFromClasspath(), checkpoints,
        null);
    try {
      // Billing knows an account: a failed payment and an adjustment suppress marketing.
      produce(t, event("p1", "payment.failed", 10, "inv-8", Map.of("accountId", "A8")));
      produce(t, event("p2", "billing.adjustment.posted", 20, "inv-8", Map.of("accountId", "A8")));
      // A login names the customer id of that account: the account is absorbed.
      produce(t, event("l1", "account.login", 30, null,
          Map.of("customerId", "C8", "accountId", "A8")));
      t.tick("t1", 40);
      SuppressionSignal suppress = KAFKA.awaitReadCommitted(t.signals, KafkaJobs::signal,
          s -> s.getState() == SuppressionState.SUPPRESS, DEADLINE);
      assertThat(suppress.getCustomerId()).isEqualTo("accountId:A8");
      KAFKA.awaitReadCommitted(it.identity, IdentityITCase::merged,
          m -> m.getAbsorbedId().equals("accountId:A8") && m.getSurvivingId().equals("C8"),
          DEADLINE);
      // The account's journey hands its state over through the identity loop.
      KAFKA.awaitReadCommitted(it.links, IdentityITCase::message,
          m -> m.getTransfer() != null && m.getFrom().equals("accountId:A8"), DEADLINE);

      // The journey begun under the account (failed payment, adjustment) completes with a chat
      // under the customer id, and is decided for the customer.
      CustomerEvent chat = event("c1", "contact.started", 50, null, Map.of("customerId", "C8"));
      chat.setChannel("chat");
      produce(t, chat);
      t.tick("t2", 60);
      // The account's journey forwards the completed match through the loop; it lands just
      // after the event time reached by then, so event time has to move on for it.
      KAFKA.awaitReadCommitted(it.links, IdentityITCase::message,
          m -> m.getFrom().equals("accountId:A8") && hasMatches(m), DEADLINE);
      t.tick("t3", 70);
      Action routed = KAFKA.awaitReadCommitted(t.actions, KafkaJobs::action,
          a -> a.getRuleId().equals("billing-contact-after-adjustment"), DEADLINE);
      assertThat(routed.getCustomerId()).isEqualTo("C8");
      assertThat(routed.getTriggeringEvents()).extracting(e -> e.getEventId())
          .containsExactly("p1", "p2", "c1");
      // Resolved under the customer id: the suppression moved there, and is released there.
      produce(t, event("r1", "billing.issue.resolved", 100, "inv-8", Map.of("customerId", "C8")));
      t.tick("t4", 600);
      SuppressionSignal release = KAFKA.awaitReadCommitted(t.signals, KafkaJobs::signal,
          s -> s.getState() == SuppressionState.RELEASE, DEADLINE);
      assertThat(release.getCustomerId()).isEqualTo("C8");
      assertThat(release.getScopes()).isEqualTo(suppress.getScopes());
      assertThat(release.getReason()).contains("billing.issue.resolved");
    } finally {
      KafkaJobs.stop(job);
    }
  }

  @Test
  void aMergeInterruptedByAStopWithSavepointCompletesAfterARestoreAtAnotherParallelism(
      @TempDir Path savepoints)
      throws Exception {
    IdentityTopics it = new IdentityTopics();
    Topics t = it.t;
    Configuration conf = it.config();
    JobClient before = KafkaJobs.start(conf, RuleLoader.loadFromClasspath(), checkpoints, null);
    String savepoint;
    try {
      produceStory(t, "d9", "A9", "inv-9", "kim@x.io");
      t.tick("t1", 31);
      // Stop as soon as the merge has started: labels and the hand-over may be in the loop.
      KAFKA.awaitReadCommitted(it.identity, IdentityITCase::merged,
          m -> m.getAbsorbedId().equals("deviceId:d9"), DEADLINE);
      savepoint = before.stopWithSavepoint(false, savepoints.toUri().toString(),
          SavepointFormatType.CANONICAL).get(60, TimeUnit.SECONDS);
    } catch (Exception | AssertionError e) {
      KafkaJobs.stop(before);
      throw e;
    }
    KafkaJobs.awaitEnd(before);

    // Restored on one subtask instead of two: the identity graph is keyed state and rescales.
    JobClient restored = KafkaJobs.start(conf, RuleLoader.loadFromClasspath(), checkpoints,
        savepoint, 1);
    try {
      CustomerEvent chat = event("c1", "contact.started", 40, null, Map.of("email", "kim@x.io"));
      chat.setChannel("chat");
      produce(t, chat);
      t.tick("t2", 600);
      Action routed = KAFKA.awaitReadCommitted(t.actions, KafkaJobs::action,
          a -> a.getRuleId().equals("billing-contact-after-adjustment"), DEADLINE);
      assertThat(routed.getCustomerId()).isEqualTo("accountId:A9");
      // The device's web visit came with the hand-over into the context of the account.
      assertThat(routed.getContext().getRecentEvents()).extracting(ContextEvent::getEventId)
          .contains("w1", "b1", "b2", "c1");
      // Exactly once across the restore: each absorbed identifier reported once.
      List<IdentityMerged> merges = KAFKA.drainReadCommitted(it.identity, IdentityITCase::merged,
          Duration.ofSeconds(3), DEADLINE);
      assertThat(merges).extracting(IdentityMerged::getAbsorbedId)
          .containsExactlyInAnyOrder("deviceId:d9", "email:kim@x.io");
    } finally {
      KafkaJobs.stop(restored);
    }
  }

  /**
   * A web visit on {@code device}, a failed payment and an adjustment on {@code account}, then a
   * login that names the account, {@code email} and the device together.
   */
  private static void produceStory(Topics t, String device, String account, String invoice,
      String email) {
    produce(t, event("w1", "page.viewed", 0, null, Map.of("deviceId", device)));
    produce(t, event("b1", "payment.failed", 10, invoice, Map.of("accountId", account)));
    produce(t, event("b2", "billing.adjustment.posted", 20, invoice,
        Map.of("accountId", account)));
    produce(t, event("l1", "account.login", 30, null,
        Map.of("accountId", account, "email", email, "deviceId", device)));
  }

  private static CustomerEvent event(String id, String type, long minutes, String entity,
      Map<String, String> identities) {
    CustomerEvent e = Events.event(id, type, "unused", minutes, entity);
    e.setIdentities(new HashMap<>(identities));
    return e;
  }

  private static void produce(Topics t, CustomerEvent event) {
    KAFKA.produce(t.input, event.getEventId(), KafkaJobs.bytes(event));
  }

  private static IdentityMessage message(byte[] bytes) {
    try {
      return IdentityMessage.fromByteBuffer(ByteBuffer.wrap(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean hasMatches(IdentityMessage m) {
    try {
      return m.getTransfer() != null
          && !JourneyTransfer.fromByteBuffer(m.getTransfer()).getMatches().isEmpty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static IdentityMerged merged(byte[] bytes) {
    try {
      return IdentityMerged.fromByteBuffer(ByteBuffer.wrap(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
