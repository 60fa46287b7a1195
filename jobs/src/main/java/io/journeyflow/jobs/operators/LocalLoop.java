package io.journeyflow.jobs.operators;

import java.util.ArrayDeque;
import org.apache.flink.streaming.api.operators.Output;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * An operator's output that keeps one side output for the operator itself: the identity loop
 * of a job without a loop topic (replay, tests). The operator takes the records back after each
 * call into its function and delivers them to their keys at once, which makes a replay
 * deterministic; everything else passes through.
 */
public final class LocalLoop<OUT, M> extends ForwardingOutput<OUT> {

  private final OutputTag<M> tag;
  private final ArrayDeque<StreamRecord<M>> pending = new ArrayDeque<>();

  LocalLoop(Output<StreamRecord<OUT>> out, OutputTag<M> tag) {
    super(out);
    this.tag = tag;
  }

  /** The next record the operator sent itself, or null. */
  StreamRecord<M> poll() {
    return pending.poll();
  }

  /**
   * Fails fast where in-place delivery cannot work: a key on another subtask is out of reach.
   */
  public static void requireOneSubtask(int parallelism, String operator) {
    if (parallelism != 1) {
      throw new IllegalStateException(operator + " runs without an identity loop topic and"
          + " delivers its loop records in place, which needs parallelism 1 (it has "
          + parallelism + "): run it with Kafka, or at parallelism 1");
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public <X> void collect(OutputTag<X> outputTag, StreamRecord<X> record) {
    if (tag.equals(outputTag)) {
      // Copied: the caller may reuse its record object for the next output.
      pending.add(new StreamRecord<>((M) record.getValue(), record.getTimestamp()));
    } else {
      out.collect(outputTag, record);
    }
  }
}
