package io.journeyflow.jobs;

import static io.journeyflow.jobs.testing.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.journeyflow.connectors.testing.EmbeddedKafka;
import io.journeyflow.jobs.testing.KafkaJobs;
import io.journeyflow.jobs.testing.KafkaJobs.Topics;
import io.journeyflow.jobs.testing.MiniClusters;
import io.journeyflow.patterns.Rule;
import io.journeyflow.patterns.RuleLoader;
import io.journeyflow.patterns.RuleSet;
import io.journeyflow.jobs.testing.TestRules;
import io.journeyflow.schema.Action;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.SuppressionSignal;
import io.journeyflow.schema.SuppressionState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A savepoint taken mid-journey (a partial match open in CEP, a suppression open, its
 * maximum-duration timer pending) restores into the same job and into one with a rule added,
 * and the open journeys complete afterwards.
 */
class SavepointITCase {

  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final String TIMERS = "state.backend.rocksdb.timer-service.factory";

  @RegisterExtension static final EmbeddedKafka KAFKA = new EmbeddedKafka();

  @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

  @TempDir Path checkpoints;
  @TempDir Path savepoints;

  private static final String ADDED = """
      id: savepoint-added
      version: 1
      description: A rule added when the job was upgraded
      journey: growth
      within: 1h
      steps: [{name: clicked, eventTypes: [promo.clicked]}]
      actions: [{type: FOLLOW_UP, channel: email, purpose: service}]
      """;

  @Test
  void openJourneysCompleteAfterRestoreIntoTheSameJob() throws Exception {
    openJourneysCompleteAfterRestore(RuleLoader.loadFromClasspath(), 0);
  }

  /**
   * Also the upgrade to timers on the heap (config/journeyflow.yaml since 2026-12-07): the
   * savepoint is taken with RocksDB's timers (Flink's default) and restored with heap timers.
   */
  @Test
  void openJourneysCompleteAfterRestoreIntoAJobWithARuleAddedAndHeapTimers() throws Exception {
    List<Rule> rules = new ArrayList<>(RuleLoader.loadFromClasspath().rules());
    rules.addAll(TestRules.of(ADDED).rules());
    openJourneysCompleteAfterRestore(new RuleSet(rules), 1);
  }

  private void openJourneysCompleteAfterRestore(RuleSet after, int added) throws Exception {
    Topics t = new Topics(KAFKA);
    Configuration conf = t.config("avro");
    conf.setString(TIMERS, "ROCKSDB");
    JobClient before = KafkaJobs.start(conf, RuleLoader.loadFromClasspath(), checkpoints, null);
    String savepoint;
    try {
      // The billing journey opens: an action, a suppression (timer pending for 14 days), and
      // a partial match of billing-contact-after-adjustment waiting for a contact.
      t.produce(event("p1", "payment.failed", "c1", 0, "inv-1"));
      t.produce(event("p2", "billing.adjustment.posted", "c1", 60, "inv-1"));
      t.tick("t1", 90);
      assertThat(KAFKA.consumeReadCommitted(t.signals, KafkaJobs::signal, 1, DEADLINE))
          .extracting(SuppressionSignal::getState).containsExactly(SuppressionState.SUPPRESS);
      assertThat(KAFKA.consumeReadCommitted(t.actions, KafkaJobs::action, 1, DEADLINE))
          .extracting(Action::getRuleId)
          .containsExactly("billing-adjustment-after-failed-payment");
      savepoint = before.stopWithSavepoint(false, savepoints.toUri().toString(),
          SavepointFormatType.CANONICAL).get(60, TimeUnit.SECONDS);
    } catch (Exception | AssertionError e) {
      KafkaJobs.stop(before);
      throw e;
    }
    KafkaJobs.awaitEnd(before);

    if (added > 0) {
      conf.setString(TIMERS, "HEAP");
    }
    JobClient restored = KafkaJobs.start(conf, after, checkpoints, savepoint);
    try {
      CustomerEvent chat = event("p3", "contact.started", "c1", 120, "inv-1");
      chat.setChannel("chat");
      t.produce(chat);
      t.produce(event("p4", "billing.issue.resolved", "c1", 150, "inv-1"));
      if (added > 0) {
        // After p4 in event time: c1 and c2 share partition 1, and an event older than a
        // watermark the source emitted after p4 would be late.
        t.produce(event("n1", "promo.clicked", "c2", 160));
      }
      t.tick("t2", 300);

      List<Action> actions =
          KAFKA.consumeReadCommitted(t.actions, KafkaJobs::action, 2 + added, DEADLINE);
      Action routed = actions.stream()
          .filter(a -> a.getRuleId().equals("billing-contact-after-adjustment"))
          .findFirst().orElseThrow(() -> new AssertionError("partial match lost: " + actions));
      // The match began before the savepoint: its first two steps came from restored state.
      assertThat(routed.getTriggeringEvents()).extracting(e -> e.getEventId())
          .containsExactly("p1", "p2", "p3");
      assertThat(routed.getContext().getRecentEvents()).extracting(e -> e.getEventId())
          .contains("p1", "p2", "p3");
      if (added > 0) {
        assertThat(actions).extracting(Action::getRuleId).contains("savepoint-added");
      }
      List<SuppressionSignal> signals =
          KAFKA.consumeReadCommitted(t.signals, KafkaJobs::signal, 2, DEADLINE);
      assertThat(signals).extracting(SuppressionSignal::getState)
          .containsExactly(SuppressionState.SUPPRESS, SuppressionState.RELEASE);
      assertThat(signals.get(1).getReason()).contains("billing.issue.resolved");
    } finally {
      KafkaJobs.stop(restored);
    }
  }
}
