package io.journeyflow.jobs.operators;

import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.internal.IdentityMessage;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * Runs {@link IdentityFunction} with the identity loop as a second input that takes no part in
 * event time (as {@link JourneyOperator} does for policy updates): loop records have no event
 * time, and their source's watermark would otherwise hold back, or while the events are idle
 * drive, every event-time timer downstream. Without a loop topic it delivers the labels its
 * function sends to their identifiers itself ({@link LocalLoop}).
 */
public final class IdentityOperator extends KeyedCoProcessOperator<
    String, Tuple2<String, CustomerEvent>, IdentityMessage, CustomerEvent> {

  private static final long serialVersionUID = 1L;

  private final boolean inPlace;
  private transient LocalLoop<CustomerEvent, IdentityMessage> loop;

  public IdentityOperator(IdentityFunction function) {
    this(function, false);
  }

  /** {@code inPlace}: no loop topic; the function must have been made {@code inPlace()}. */
  public IdentityOperator(IdentityFunction function, boolean inPlace) {
    super(inPlace ? function.inPlace() : function);
    this.inPlace = inPlace;
  }

  @Override
  public void open() throws Exception {
    if (inPlace) {
      LocalLoop.requireOneSubtask(
          getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks(), "identity graph");
      loop = new LocalLoop<>(output, ((IdentityFunction) userFunction).messages());
      output = loop;
    }
    super.open();
  }

  @Override
  public void processElement1(StreamRecord<Tuple2<String, CustomerEvent>> element)
      throws Exception {
    super.processElement1(element);
    deliver();
  }

  @Override
  public void processElement2(StreamRecord<IdentityMessage> element) throws Exception {
    super.processElement2(element);
    deliver();
  }

  @Override
  public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
    super.onEventTime(timer);
    deliver();
  }

  @Override
  public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
    super.onProcessingTime(timer);
    deliver();
  }

  /** Hands every label sent meanwhile to its identifier, and what that sends, until quiet. */
  private void deliver() throws Exception {
    if (loop == null) {
      return;
    }
    Object key = getCurrentKey();
    for (StreamRecord<IdentityMessage> message = loop.poll(); message != null;
        message = loop.poll()) {
      setCurrentKey(message.getValue().getTarget());
      super.processElement2(message);
    }
    setCurrentKey(key);
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
