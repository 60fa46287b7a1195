package io.journeyflow.jobs.operators;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Watermarks of a control stream: always the end of time. Control records have no event time,
 * and an operator that joins them with events takes the smaller of its inputs' watermarks, so
 * anything less would hold every event-time timer of the job back.
 */
public final class ControlWatermarks<T> implements WatermarkGenerator<T> {

  public static <T> WatermarkStrategy<T> strategy() {
    return WatermarkStrategy.forGenerator(ctx -> new ControlWatermarks<>());
  }

  @Override
  public void onEvent(T record, long timestamp, WatermarkOutput output) {}

  @Override
  public void onPeriodicEmit(WatermarkOutput output) {
    output.emitWatermark(new Watermark(Long.MAX_VALUE));
  }
}
