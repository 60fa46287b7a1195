package io.journeyflow.jobs.operators;

import io.journeyflow.connectors.UnchangedAvroTypeInfo;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.internal.RuleMatch;
import java.time.Duration;
import java.util.List;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;

/**
 * Runs {@link FastRuleFunction}: checkpoints, restores and releases its heap buffer of events,
 * and tells it at open whether the restored state still holds the index map of savepoints
 * before 2026-12-02 evening, so that a job restored from its own checkpoint (every failover)
 * does not look for it per customer.
 */
public final class FastRuleOperator extends KeyedProcessOperator<String, CustomerEvent, RuleMatch> {

  private static final long serialVersionUID = 1L;
  /** Operator state: the events waiting on the heap for the watermark. */
  static final String BUFFERED_EVENTS = "buffered-events";

  /** Width of {@link FarTimers}' buckets (0: none). */
  private long farTimerBucket = FarTimers.DEFAULT_BUCKET;
  private transient FarTimers far;

  public FastRuleOperator(FastRuleFunction function) {
    super(function);
  }

  /** Timers due more than one to two {@code bucket}s ahead wait in keyed state. */
  public FastRuleOperator withFarTimers(Duration bucket) {
    this.farTimerBucket = bucket.toMillis();
    return this;
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    ((FastRuleFunction) userFunction).eventBuffer().initialize(this, context, BUFFERED_EVENTS,
        new UnchangedAvroTypeInfo<>(CustomerEvent.class), FastRuleFunction.BUFFER);
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    far.flush(); // before the keyed state backend's snapshot, which follows this method
    super.snapshotState(context);
    ((FastRuleFunction) userFunction).eventBuffer().snapshot();
  }

  /** Releases the records waiting on the heap up to the watermark, then advances the timers. */
  @Override
  public void processWatermark(Watermark mark) throws Exception {
    ((FastRuleFunction) userFunction).eventBuffer()
        .release(mark.getTimestamp(), this, getTimeServiceManager().orElseThrow());
    super.processWatermark(mark);
  }

  @Override
  public void open() throws Exception {
    ((FastRuleFunction) userFunction).earlierIndexHeld(!EarlierStates.held(
        getKeyedStateBackend(), List.of(FastRuleFunction.INDEX)).isEmpty());
    super.open();
    far = FarTimers.of(this, farTimerBucket);
    ((FastRuleFunction) userFunction).farTimers(far);
  }

  @Override
  public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
    if (!far.fired(timer)) {
      super.onEventTime(timer);
    }
  }
}
