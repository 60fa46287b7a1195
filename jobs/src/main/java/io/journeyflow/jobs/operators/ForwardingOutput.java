package io.journeyflow.jobs.operators;

import org.apache.flink.runtime.event.WatermarkEvent;
import org.apache.flink.streaming.api.operators.Output;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.LatencyMarker;
import org.apache.flink.streaming.runtime.streamrecord.RecordAttributes;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.util.OutputTag;

/** An operator output that passes everything to another; subclasses take what they handle. */
abstract class ForwardingOutput<OUT> implements Output<StreamRecord<OUT>> {

  protected final Output<StreamRecord<OUT>> out;

  ForwardingOutput(Output<StreamRecord<OUT>> out) {
    this.out = out;
  }

  @Override
  public <X> void collect(OutputTag<X> outputTag, StreamRecord<X> record) {
    out.collect(outputTag, record);
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
