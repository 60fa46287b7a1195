package io.journeyflow.jobs.operators;

import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.internal.IdentityMessage;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * Runs {@link IdentityFunction} with the identity loop as a second input that takes no part in
 * event time (as {@link JourneyOperator} does for policy updates): loop records have no event
 * time, and their source's watermark would otherwise hold back, or while the events are idle
 * drive, every event-time timer downstream.
 */
public final class IdentityOperator extends KeyedCoProcessOperator<
    String, Tuple2<String, CustomerEvent>, IdentityMessage, CustomerEvent> {

  private static final long serialVersionUID = 1L;

  public IdentityOperator(IdentityFunction function) {
    super(function);
  }

  @Override
  public void processWatermark1(Watermark mark) throws Exception {
    processWatermark(mark); // the events' watermark alone is the operator's
  }

  @Override
  public void processWatermark2(Watermark mark) {
    // ignored: see the class comment
  }

  @Override
  protected void processWatermarkStatus(WatermarkStatus status, int index) {
    if (index == 0) {
      output.emitWatermarkStatus(status);
    }
  }
}
