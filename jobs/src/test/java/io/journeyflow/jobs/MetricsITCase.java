package io.journeyflow.jobs;

import static io.journeyflow.jobs.testing.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.journeyflow.connectors.DeadLetters;
import io.journeyflow.jobs.config.JobOptions;
import io.journeyflow.jobs.io.MemoryJobIO;
import io.journeyflow.patterns.RuleLoader;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.DeadLetter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operations metrics count what happened: records in, events accepted, duplicates, dead
 * letters, matches per rule, actions, suppression signals and decisions by outcome.
 */
class MetricsITCase {

  private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setConfiguration(REPORTER.addToConfiguration(new Configuration()))
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  @Test
  void countersTellWhatTheJobDid() throws Exception {
    List<Either<DeadLetter, CustomerEvent>> input = new ArrayList<>();
    input.add(Either.Right(event("p1", "payment.failed", "c1", 0, "inv-1")));
    input.add(Either.Right(event("p2", "billing.adjustment.posted", "c1", 60, "inv-1")));
    input.add(Either.Right(event("p2", "billing.adjustment.posted", "c1", 60, "inv-1")));
    input.add(Either.Left(DeadLetters.of(DeadLetters.file("in.jsonl", 4), new byte[] {1},
        DeadLetters.DECODE, "not an event", null)));
    MemoryJobIO io = new MemoryJobIO(input);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    new JourneyflowJob(new Configuration(), RuleLoader.loadFromClasspath(), io).build(env);
    JobClient job = env.executeAsync("metrics");
    job.getJobExecutionResult().get();
    JobID id = job.getJobID();

    assertThat(sum(id, "journeyflow.recordsIn")).isEqualTo(4);
    assertThat(sum(id, "journeyflow.eventsIn")).isEqualTo(2);
    assertThat(sum(id, "journeyflow.duplicateEvents")).isEqualTo(1);
    assertThat(sum(id, "journeyflow.deadLetters")).isEqualTo(1);
    assertThat(sum(id, "journeyflow.rule.billing-adjustment-after-failed-payment.matches"))
        .isEqualTo(1);
    assertThat(sum(id, "journeyflow.rule.cart-abandonment.matches")).isZero();
    assertThat(sum(id,
        "journeyflow.rule.billing-adjustment-after-failed-payment.journeysEntered")).isEqualTo(1);
    assertThat(sum(id, "journeyflow.actions")).isEqualTo(io.actions.results().size())
        .isEqualTo(1);
    // Opened, then released at its maximum duration when the input ends.
    assertThat(sum(id, "journeyflow.suppressionSignals")).isEqualTo(2);
    assertThat(sum(id, "journeyflow.outcome.SENT.decisions")).isEqualTo(1);
    assertThat(sum(id, "journeyflow.outcome.BLOCKED.decisions")).isZero();
  }

  @Test
  void eventsInCountsInputOnlyNotTheJobsOwnIdentityRecords() throws Exception {
    CustomerEvent visit = event("a1", "page.viewed", "unused", 0, null);
    visit.setIdentities(new java.util.HashMap<>(Map.of("accountId", "A1")));
    CustomerEvent login = event("l1", "account.login", "unused", 10, null);
    login.setIdentities(new java.util.HashMap<>(Map.of("customerId", "C1", "accountId", "A1")));
    CustomerEvent chat = event("c1", "contact.started", "C1", 20, null);
    MemoryJobIO io = MemoryJobIO.ofEvents(List.of(visit, login, chat));
    Configuration conf = new Configuration();
    conf.set(JobOptions.IDENTITY_RESOLUTION, true);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1); // no loop topic: loop records are delivered in place
    new JourneyflowJob(conf, RuleLoader.loadFromClasspath(), io).build(env);
    JobClient job = env.executeAsync("metrics-identity");
    job.getJobExecutionResult().get();

    // The account was absorbed by C1: a merge notice, a hand-over and a copy of the chat for
    // the account's rules went through ingest too, and are not counted as input.
    assertThat(io.identityMerges.results()).extracting(m -> m.getAbsorbedId())
        .containsExactly("accountId:A1");
    assertThat(sum(job.getJobID(), "journeyflow.eventsIn")).isEqualTo(3);
  }

  /** The sum over all operators and subtasks of the counters whose name ends so. */
  private static long sum(JobID job, String suffix) {
    long total = 0;
    for (Map.Entry<MetricGroup, Map<String, Metric>> group :
        REPORTER.getMetricsByGroup().entrySet()) {
      if (!job.toString().equals(group.getKey().getAllVariables().get("<job_id>"))) {
        continue;
      }
      for (Map.Entry<String, Metric> m : group.getValue().entrySet()) {
        String identifier = group.getKey().getMetricIdentifier(m.getKey());
        if (identifier.endsWith("." + suffix) && m.getValue() instanceof Counter c) {
          total += c.getCount();
        }
      }
    }
    return total;
  }
}
