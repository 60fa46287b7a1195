package io.journeyflow.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyflow.connectors.testing.EmbeddedKafka;
import io.journeyflow.jobs.config.JobOptions;
import io.journeyflow.jobs.testing.KafkaJobs;
import io.journeyflow.jobs.testing.KafkaJobs.Topics;
import io.journeyflow.jobs.tools.ChaosTool;
import io.journeyflow.patterns.RuleLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.testutils.CommonTestUtils;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.executiongraph.AccessExecution;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The CI variant of scripts/chaos: over 200,000 events through the job with exactly-once Kafka
 * sinks while a TaskManager fails three times; the committed actions, suppression signals and
 * dead letters must equal a failure-free replay of the same events, record for record. The
 * script adds kill -9 of real TaskManager processes, a broker restart and a 2M-event run.
 */
class ChaosITCase {

  // The broker enforces retention every 2 s instead of every 5 min: output that carries a
  // timestamp older than retention.ms (e.g. an old event time) is deleted during the test, as a
  // real broker would delete it a few minutes later, and the comparison reports it lost.
  @RegisterExtension
  static final EmbeddedKafka KAFKA =
      new EmbeddedKafka(Map.of("log.retention.check.interval.ms", "2000"));

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              // One TaskManager at a time: terminating it fails every task of the job. (With
              // two, the job may run entirely on the one that survives, and MiniCluster keeps
              // terminated TaskManagers in its list, so index 0 is not "a live one".)
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(4)
              .build());

  @TempDir Path dir;

  @Test
  void noOutputIsLostOrDuplicatedWhenTaskManagersFail(@InjectMiniCluster MiniCluster cluster)
      throws Exception {
    Path events = dir.resolve("events.jsonl");
    assertThat(ChaosTool.prepare(events, 33_000, 5, 7, 2)).isGreaterThan(200_000);
    Path expected = dir.resolve("expected");
    assertThat(new CommandLine(new ReplayMain())
        .execute("--events", events.toString(), "--out", expected.toString())).isZero();

    Topics t = new Topics(KAFKA);
    Configuration conf = t.config("json");
    conf.set(JobOptions.IDLENESS, Duration.ZERO); // no idle source may move event time
    conf.set(JobOptions.OUT_OF_ORDERNESS, Duration.ofSeconds(5));
    // Above the longest checkpoint plus recovery on a loaded 2-core machine (30 s was not:
    // the broker aborted a transaction of a slow first checkpoint, "produce with an old
    // epoch"), and short enough that a transaction a failed TaskManager leaves open, if no
    // restored writer aborts it, does not block read_committed readers for long.
    conf.set(JobOptions.TRANSACTION_TIMEOUT, Duration.ofMinutes(2));
    JobClient job = KafkaJobs.start(conf, RuleLoader.loadFromClasspath(),
        dir.resolve("checkpoints"), null);
    try {
      ChaosTool.produce(KAFKA.bootstrapServers(), t.input, events);
      for (int kill = 1; kill <= 3; kill++) {
        // Fail only after output has been committed since the last recovery.
        KAFKA.consumeRecordsReadCommitted(t.actions, 2_000 * kill, Duration.ofMinutes(5));
        int attempt = awaitAllRunning(cluster, job, 0);
        cluster.terminateTaskManager(kill - 1).get(); // the live one: started last
        cluster.startTaskManager();
        // The job must really have failed and restored: every task runs a new attempt.
        awaitAllRunning(cluster, job, attempt + 1);
      }
      ByteArrayOutputStream report = new ByteArrayOutputStream();
      int mismatches = ChaosTool.compare(KAFKA.bootstrapServers(), expected,
          Map.of("actions", t.actions, "suppressions", t.signals, "dead-letters", t.dead),
          Duration.ofMinutes(8), Duration.ofMinutes(2),
          new PrintStream(report, true, StandardCharsets.UTF_8));
      assertThat(mismatches).as(report.toString(StandardCharsets.UTF_8)).isZero();
    } finally {
      KafkaJobs.stop(job);
    }
  }

  /**
   * Waits until every task of the job runs an execution attempt of at least {@code attempt}
   * (0 before the first failure, n after the n-th restart) and returns the lowest one.
   */
  /** Waits until every task runs attempt {@code attempt} or later; returns the lowest. */
  private static int awaitAllRunning(MiniCluster cluster, JobClient job, int attempt)
      throws Exception {
    int[] lowest = {-1};
    CommonTestUtils.waitUtil(() -> (lowest[0] = lowestRunningAttempt(cluster, job)) >= attempt,
        Duration.ofMinutes(3), Duration.ofMillis(100), "all tasks running attempt " + attempt);
    return lowest[0];
  }

  /** The lowest execution attempt of all tasks, or -1 while some task is not running. */
  private static int lowestRunningAttempt(MiniCluster cluster, JobClient job) {
    try {
      int lowest = Integer.MAX_VALUE;
      for (AccessExecutionVertex vertex :
          cluster.getExecutionGraph(job.getJobID()).get().getAllExecutionVertices()) {
        AccessExecution execution = vertex.getCurrentExecutionAttempt();
        if (execution.getState() != ExecutionState.RUNNING
            && execution.getState() != ExecutionState.FINISHED) {
          return -1;
        }
        lowest = Math.min(lowest, execution.getAttemptNumber());
      }
      return lowest;
    } catch (Exception graphNotAvailableYet) {
      return -1;
    }
  }
}
