package io.journeyflow.jobs.operators;

import java.util.ArrayDeque;
import org.apache.flink.runtime.event.WatermarkEvent;
import org.apache.flink.streaming.api.operators.Output;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.LatencyMarker;
import org.apache.flink.streaming.runtime.streamrecord.RecordAttributes;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.util.OutputTag;

/**
 * An operator's output that keeps one side output for the operator itself: the identity loop
 * of a job without a loop topic (replay, tests). The operator takes the records back after each
 * call into its function and delivers them to their keys at once, which makes a replay
 * deterministic; everything else passes through.
 */
public final class LocalLoop<OUT, M> implements Output<StreamRecord<OUT>> {

  private final Output<StreamRecord<OUT>> out;
  private final OutputTag<M> tag;
  private final ArrayDeque<StreamRecord<M>> pending = new ArrayDeque<>();

  LocalLoop(Output<StreamRecord<OUT>> out, OutputTag<M> tag) {
    this.out = out;
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

  @Override
  public void collect(StreamRecord<OUT> record) {
    out.collect(record);
  }

  @Override
  public void emitWatermark(Watermark mark) {
    out.emitWatermark(mark);
  }

  @Override
  public void emitWatermarkStatus(WatermarkStatus watermarkStatus) {
    out.emitWatermarkStatus(watermarkStatus);
  }

  @Override
  public void emitLatencyMarker(LatencyMarker latencyMarker) {
    out.emitLatencyMarker(latencyMarker);
  }

  @Override
  public void emitRecordAttributes(RecordAttributes recordAttributes) {
    out.emitRecordAttributes(recordAttributes);
  }

  @Override
  public void emitWatermark(WatermarkEvent watermark) {
    out.emitWatermark(watermark);
  }

  @Override
  public void close() {
    out.close();
  }
}
