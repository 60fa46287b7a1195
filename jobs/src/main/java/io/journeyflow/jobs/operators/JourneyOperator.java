package io.journeyflow.jobs.operators;

import io.journeyflow.schema.Action;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.internal.IdentityMessage;
import io.journeyflow.schema.internal.MetricsAccumulator;
import io.journeyflow.schema.internal.RuleMatch;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.types.Either;
import org.apache.flink.util.OutputTag;

/**
 * Runs {@link JourneyFunction} with the policy updates as a broadcast input that takes no part
 * in event time. Flink's own operator takes the smaller watermark of its two inputs, and only
 * the active one when the other is idle: control records have no event time, so any watermark
 * they carried would either hold every timer back or, while the events are idle, let the
 * control input's watermark fire every timer at once (suppressions released, deferred actions
 * sent). Here only the events' watermark and idleness count. Without an identity loop topic it
 * delivers absorbed customers' hand-overs itself ({@link LocalLoop}).
 */
public final class JourneyOperator
    extends CoBroadcastWithKeyedOperator<String, Either<CustomerEvent, RuleMatch>, String, Action> {

  private static final long serialVersionUID = 1L;
  /** Operator state: the events and matches waiting on the heap for the watermark. */
  static final String BUFFERED_INPUTS = "buffered-inputs";

  private final OutputTag<IdentityMessage> handOvers;
  private transient LocalLoop<Action, IdentityMessage> loop;
  private OutputTag<Tuple2<String, MetricsAccumulator>> factCounts;
  private long factWindowMillis;
  private transient FactCountingOutput<Action> counting;
  /** Width of {@link FarTimers}' buckets (0: none). */
  private long farTimerBucket = FarTimers.DEFAULT_BUCKET;
  private transient FarTimers far;

  public JourneyOperator(JourneyFunction function) {
    this(function, null);
  }

  /**
   * {@code handOvers}: without a loop topic, the hand-overs of absorbed customers on this
   * output are delivered in place to their survivors, just after the time they were sent at.
   */
  public JourneyOperator(JourneyFunction function, OutputTag<IdentityMessage> handOvers) {
    super(function, List.of(JourneyFunction.POLICY_STATE));
    this.handOvers = handOvers;
  }

  /**
   * The function's journey facts leave counted per rule and analytics window of {@code window}
   * (on {@code counts}), once per watermark: the analytics window adds up a few counts instead
   * of every fact.
   */
  public JourneyOperator countingFacts(OutputTag<Tuple2<String, MetricsAccumulator>> counts,
      Duration window) {
    this.factCounts = counts;
    this.factWindowMillis = window.toMillis();
    return this;
  }

  /** Timers due more than one to two {@code bucket}s ahead wait in keyed state. */
  public JourneyOperator withFarTimers(Duration bucket) {
    this.farTimerBucket = bucket.toMillis();
    return this;
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    ((JourneyFunction) userFunction).inputBuffer()
        .initialize(this, context, BUFFERED_INPUTS, JourneyInputs.type(),
            JourneyFunction.PENDING);
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    far.flush(); // before the keyed state backend's snapshot, which follows this method
    super.snapshotState(context);
    ((JourneyFunction) userFunction).inputBuffer().snapshot();
  }

  /** Releases the records waiting on the heap up to the watermark, then advances the timers. */
  @Override
  public void processWatermark(Watermark mark) throws Exception {
    ((JourneyFunction) userFunction).inputBuffer()
        .release(mark.getTimestamp(), this, getTimeServiceManager().orElseThrow());
    super.processWatermark(mark);
  }

  @Override
  public void open() throws Exception {
    ((JourneyFunction) userFunction).earlierStatesHeld(
        EarlierStates.held(getKeyedStateBackend(), JourneyFunction.EARLIER_STATES));
    if (handOvers != null) {
      LocalLoop.requireOneSubtask(
          getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks(), "journeys");
      loop = new LocalLoop<>(output, handOvers);
      output = loop;
    }
    if (factCounts != null) {
      counting = new FactCountingOutput<>(output, ((JourneyFunction) userFunction).facts(),
          factCounts, factWindowMillis);
      output = counting;
    }
    super.open();
    far = FarTimers.of(this, farTimerBucket);
    ((JourneyFunction) userFunction).farTimers(far);
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    super.prepareSnapshotPreBarrier(checkpointId);
    if (counting != null) {
      counting.flush(); // counts are not in the snapshot: they go out before the barrier
    }
  }

  @Override
  public void finish() throws Exception {
    if (counting != null) {
      counting.flush();
    }
    super.finish();
  }

  @Override
  public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
    if (far.fired(timer)) {
      return;
    }
    super.onEventTime(timer); // hand-overs are sent from timers only
    if (loop == null) {
      return;
    }
    Object key = getCurrentKey();
    for (StreamRecord<IdentityMessage> handOver = loop.poll(); handOver != null;
        handOver = loop.poll()) {
      CustomerEvent event = IdentityEvents.transfer(handOver.getValue(),
          handOver.getTimestamp() + 1);
      setCurrentKey(event.getCustomerKey());
      processElement1(new StreamRecord<>(Either.Left(event), handOver.getTimestamp() + 1));
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
