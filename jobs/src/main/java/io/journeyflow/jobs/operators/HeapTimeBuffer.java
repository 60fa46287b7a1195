package io.journeyflow.jobs.operators;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.api.java.typeutils.TupleTypeInfo;
import org.apache.flink.runtime.state.CheckpointableKeyedStateBackend;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimeServiceManager;
import org.apache.flink.streaming.api.operators.KeyContext;
import org.apache.flink.streaming.api.operators.TimerHeapInternalTimer;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.watermark.Watermark;

/**
 * A keyed operator's records held by customer and event time until the watermark passes their
 * time, on the heap: a record waits there for a fraction of a second to a few seconds, and in
 * keyed state each one cost a read and a write when buffered, a read and a delete when its timer
 * fired, a timer written and deleted, and one more column family for every checkpoint to flush
 * (on RocksDB). They need no timers either: at each watermark the operator {@link #release}s
 * them in time order, interleaved with its timers, as the timer of their customer at their time.
 *
 * <p>The records are checkpointed as union operator state; after a restore each subtask keeps
 * those of its own key groups, so rescaling works. Beyond {@code limit} records (a watermark
 * that stalls) new records go to the keyed-state buffer with a timer each, as before, so the
 * heap holds a bounded amount; so do records at or before the time the timers have reached
 * (then their timer fires within the same advance, as it did), and, until an operator
 * {@link #initialize}s the buffer (a function run by another operator), every record.
 */
final class HeapTimeBuffer<T> {

  /** Records per subtask on the heap unless configured (journeyflow.buffer.heap-records). */
  static final int DEFAULT_LIMIT = 20_000;

  /** Records by time, then by customer. */
  private final TreeMap<Long, Map<String, List<T>>> held = new TreeMap<>();
  private final int limit;
  private int records;
  /** The time the operator's timers have been advanced to. */
  private long timersAt = Long.MIN_VALUE;
  /**
   * Whether the keyed-state buffer may hold records: spilled ones, restored ones, or (until an
   * operator initializes this buffer) any.
   */
  private boolean keyedMayHold = true;
  private ListState<Tuple3<String, Long, List<T>>> checkpointed;

  HeapTimeBuffer(int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("the buffer limit must not be negative: " + limit);
    }
    this.limit = limit;
  }

  /**
   * Registers the union operator state {@code name} of {@code operator} and, after a restore,
   * takes the records of the operator's key groups, and asks once whether the keyed-state buffer
   * {@code keyedBuffer} holds records (of an earlier version, or spilled): only then is it read.
   */
  void initialize(AbstractStreamOperator<?> operator, StateInitializationContext context,
      String name, TypeInformation<T> type, String keyedBuffer) throws Exception {
    checkpointed = context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>(
        name, new TupleTypeInfo<>(Types.STRING, Types.LONG, new ListTypeInfo<>(type))));
    held.clear();
    records = 0;
    timersAt = Long.MIN_VALUE; // a restored timer service starts there too
    keyedMayHold = context.isRestored() && !EarlierStates.held(
        operator.getKeyedStateBackend(), List.of(keyedBuffer)).isEmpty();
    if (!context.isRestored()) {
      return;
    }
    KeyGroupRange range =
        ((CheckpointableKeyedStateBackend<?>) operator.getKeyedStateBackend()).getKeyGroupRange();
    int maxParallelism =
        operator.getRuntimeContext().getTaskInfo().getMaxNumberOfParallelSubtasks();
    for (Tuple3<String, Long, List<T>> entry : checkpointed.get()) {
      int group = KeyGroupRangeAssignment.assignToKeyGroup(entry.f0, maxParallelism);
      if (range.contains(group)) {
        held.computeIfAbsent(entry.f1, t -> new LinkedHashMap<>())
            .computeIfAbsent(entry.f0, k -> new ArrayList<>()).addAll(entry.f2);
        records += entry.f2.size();
      }
    }
  }

  /** Writes the held records to the operator state of the checkpoint being taken. */
  void snapshot() throws Exception {
    List<Tuple3<String, Long, List<T>>> entries = new ArrayList<>();
    held.forEach((time, byKey) -> byKey.forEach((key, list) ->
        entries.add(Tuple3.of(key, time, list))));
    checkpointed.update(entries);
  }

  /**
   * Holds {@code record} of {@code key} until the watermark passes {@code at}; beyond the limit,
   * or at a time the timers have reached, it goes to {@code keyed} with a timer.
   */
  void add(String key, long at, T record, MapState<Long, List<T>> keyed, TimerService timers)
      throws Exception {
    if (records >= limit || at <= timersAt || checkpointed == null) {
      keyedMayHold = true;
      TimeBuffers.add(keyed, record, at, timers);
      return;
    }
    held.computeIfAbsent(at, t -> new LinkedHashMap<>())
        .computeIfAbsent(key, k -> new ArrayList<>(1)).add(record);
    records++;
  }

  /** Removes and returns the records of {@code key} at {@code at} (null: none). */
  List<T> take(String key, long at, MapState<Long, List<T>> keyed) throws Exception {
    List<T> taken = null;
    Map<String, List<T>> atTime = held.get(at);
    if (atTime != null) {
      taken = atTime.remove(key);
      if (atTime.isEmpty()) {
        held.remove(at);
      }
      if (taken != null) {
        records -= taken.size();
      }
    }
    if (keyedMayHold) {
      List<T> spilled = keyed.get(at);
      if (spilled != null) {
        keyed.remove(at);
        if (taken == null) {
          return spilled;
        }
        taken.addAll(spilled);
      }
    }
    return taken;
  }

  /**
   * At watermark {@code watermark}: for each time up to it with records, in order, fires the
   * operator's timers before that time ({@code timers}), then each customer's timer at that time
   * (the operator's function takes the records there). The operator then advances its timers to
   * the watermark.
   */
  <O extends KeyContext & Triggerable<String, VoidNamespace>> void release(long watermark,
      O operator, InternalTimeServiceManager<?> timers) throws Exception {
    for (Map.Entry<Long, Map<String, List<T>>> first = held.firstEntry();
        first != null && first.getKey() <= watermark; first = held.firstEntry()) {
      long time = first.getKey();
      if (time - 1 > timersAt) {
        timersAt = time - 1;
        // Records those timers add are due after timersAt: at this time or later.
        timers.advanceWatermark(new Watermark(timersAt));
      }
      Map<String, List<T>> atTime = first.getValue();
      for (String key : new ArrayList<>(atTime.keySet())) {
        List<T> waiting = atTime.get(key);
        operator.setCurrentKey(key);
        operator.onEventTime(new TimerHeapInternalTimer<>(time, key, VoidNamespace.INSTANCE));
        if (waiting != null && atTime.get(key) == waiting) {
          throw new IllegalStateException("the timer of " + key + " at " + time
              + " left its buffered records: the function must take them");
        }
      }
    }
    timersAt = Math.max(timersAt, watermark);
  }

  /** Records held on the heap. */
  int size() {
    return records;
  }
}
