package io.journeyflow.jobs.operators;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.MetricGroup;

/**
 * Journeyflow's own metrics, in the group {@code journeyflow} of each operator (with a Prometheus
 * reporter: {@code flink_taskmanager_job_task_operator_journeyflow_<name>}, labelled by job,
 * task and operator; per-rule and per-outcome counters add a {@code rule} or {@code outcome}
 * label). Sum over operators and subtasks for job totals.
 */
public final class JobMetrics {

  public static final String GROUP = "journeyflow";
  /** Every input record, readable or not. */
  public static final String RECORDS_IN = "recordsIn";
  /** Events accepted for rule evaluation (not late, not duplicate). */
  public static final String EVENTS_IN = "eventsIn";
  public static final String DUPLICATES = "duplicateEvents";
  /** Records sent to the dead-letter topic by this operator. */
  public static final String DEAD_LETTERS = "deadLetters";
  /** Rule matches, labelled by rule. */
  public static final String MATCHES = "matches";
  public static final String ACTIONS = "actions";
  public static final String SUPPRESSION_SIGNALS = "suppressionSignals";
  /** Decision records, labelled by outcome. */
  public static final String DECISIONS = "decisions";
  /** Identity resolution: customers absorbed, refused links, labels sent through the loop. */
  public static final String IDENTITY_MERGES = "identityMerges";
  public static final String IDENTITY_CONFLICTS = "identityConflicts";
  public static final String IDENTITY_MESSAGES = "identityMessages";
  /** Gauge: records waiting on the heap for the watermark ({@link HeapTimeBuffer}). */
  public static final String HEAP_BUFFERED = "heapBufferedRecords";

  private JobMetrics() {}

  public static MetricGroup group(RuntimeContext context) {
    return context.getMetricGroup().addGroup(GROUP);
  }
}
