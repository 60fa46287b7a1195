package io.journeyflow.jobs.operators;

import io.journeyflow.jobs.config.JobOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.internal.InternalListState;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.KeyContext;
import org.apache.flink.streaming.api.operators.Triggerable;

/**
 * An operator's event-time timers, of which only those due within about two buckets of the
 * watermark are Flink timers; later ones wait in keyed state and become Flink timers when the
 * watermark comes within a bucket of them.
 *
 * <p>Why: heap timers (the default, see {@code config/journeyflow.yaml}) are written in full, in
 * the task thread, into every checkpoint's synchronous part. A keyed operator keeps about one
 * timer per customer with something pending (a rule's window end, a journey's abandonment check),
 * most of them an hour or days ahead, so at a million customers that write took most of the
 * task's time. Here a far timer is one entry of a list on the heap; at each checkpoint each
 * list is appended to keyed state at once (on RocksDB a merge, no read,
 * checkpointed incrementally); without checkpoints they stay on the heap until they fire (as
 * many entries as there would have been heap timers). Each list has one Flink timer.
 *
 * <p>Each key group has a key of its own, {@code "\0timers-<n>"} (the first such key in that key
 * group), holding one list per bucket of the timers due in it, with their customer: a list and
 * its customers are in one key group, so they move together when the job is rescaled. The list's
 * Flink timer is one bucket before the bucket starts, so a timer always joins the timer queue
 * before its time: a watermark that jumps past both fires the list first and then, in the same
 * advance, the timers it moved. The list's namespace is its timer's time, so lists restored
 * after the bucket width changed (or with width 0: every timer a Flink timer) still fire. Moved
 * timers fire exactly when they would have, once per customer and time as Flink timers do (a
 * list may hold a timer twice). Deletion is not supported: the functions here treat a timer as
 * a call to look, never as an instruction.
 */
final class FarTimers implements TimerService {

  /** Keyed state of the waiting timers: part of the savepoint contract of both keyed operators. */
  static final String STATE = "far-timers";
  /** The timer service of Flink's process operators (already started by their open). */
  private static final String USER_TIMERS = "user-timers";
  private static final String KEY_PREFIX = "\0timers-";
  /** {@code journeyflow.timers.far-bucket}'s default. */
  static final long DEFAULT_BUCKET = JobOptions.FAR_TIMER_BUCKET.defaultValue().toMillis();

  private final KeyContext keys;
  private final InternalTimerService<VoidNamespace> timers;
  /** Width of a bucket; 0: every timer is a Flink timer. */
  private final long bucketMillis;
  private final int maxParallelism;
  private final KeyGroupRange range;
  /** The key of each key group of {@link #range}, by its offset in the range. */
  private final String[] groupKeys;
  private final InternalListState<String, Long, Tuple2<Long, String>> waiting;
  /**
   * Timers registered since the last {@link #flush}, by list time and key group offset: one
   * append per list and checkpoint instead of one per timer (and no switch of keys per timer).
   */
  private final Map<Long, Map<Integer, List<Tuple2<Long, String>>>> held = new HashMap<>();

  /**
   * {@code timers}: the operator's Flink timer service (its own timers fire through it as
   * always; the lists' timers fire with a key of {@link #owns} and go to {@link #fired}).
   */
  @SuppressWarnings("unchecked")
  FarTimers(KeyContext keys, KeyedStateBackend<String> backend,
      InternalTimerService<VoidNamespace> timers, long bucketMillis, TaskInfo task)
      throws Exception {
    if (bucketMillis < 0) {
      throw new IllegalArgumentException("the bucket must not be negative: " + bucketMillis);
    }
    this.keys = keys;
    this.timers = timers;
    this.bucketMillis = bucketMillis;
    this.maxParallelism = task.getMaxNumberOfParallelSubtasks();
    this.range = KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(maxParallelism,
        task.getNumberOfParallelSubtasks(), task.getIndexOfThisSubtask());
    this.groupKeys = groupKeys(range, maxParallelism);
    ListState<Tuple2<Long, String>> state = backend.getOrCreateKeyedState(
        LongSerializer.INSTANCE, new ListStateDescriptor<Tuple2<Long, String>>(STATE,
            Types.TUPLE(Types.LONG, Types.STRING)));
    this.waiting = (InternalListState<String, Long, Tuple2<Long, String>>) state;
  }

  /** The far timers of {@code operator}'s timer service {@code "user-timers"}. */
  static <O extends AbstractStreamOperator<?> & Triggerable<String, VoidNamespace>> FarTimers of(
      O operator, long bucketMillis) throws Exception {
    return new FarTimers(operator, operator.getKeyedStateBackend(),
        operator.getInternalTimerService(USER_TIMERS, VoidNamespaceSerializer.INSTANCE, operator),
        bucketMillis, operator.getRuntimeContext().getTaskInfo());
  }

  /** Whether {@code key} is one of the lists' keys rather than a customer's. */
  static boolean owns(Object key) {
    return key instanceof String s && s.startsWith(KEY_PREFIX);
  }

  /**
   * The key of each key group in {@code range}: the first {@code "\0timers-<n>"} in it, the same
   * whatever the range, so that a restored list keeps its key.
   */
  static String[] groupKeys(KeyGroupRange range, int maxParallelism) {
    String[] found = new String[range.getNumberOfKeyGroups()];
    int missing = found.length;
    for (long n = 0; missing > 0; n++) {
      String key = KEY_PREFIX + n;
      int group = KeyGroupRangeAssignment.assignToKeyGroup(key, maxParallelism);
      if (range.contains(group) && found[group - range.getStartKeyGroup()] == null) {
        found[group - range.getStartKeyGroup()] = key;
        missing--;
      }
    }
    return found;
  }

  /** A timer at {@code time} for the current key. */
  @Override
  public void registerEventTimeTimer(long time) {
    long fireAt = bucketMillis == 0 || time < Long.MIN_VALUE / 2 ? Long.MIN_VALUE
        : (Math.floorDiv(time, bucketMillis) - 1) * bucketMillis;
    if (fireAt <= timers.currentWatermark()) {
      timers.registerEventTimeTimer(VoidNamespace.INSTANCE, time);
      return;
    }
    String customer = (String) keys.getCurrentKey();
    int offset = KeyGroupRangeAssignment.assignToKeyGroup(customer, maxParallelism)
        - range.getStartKeyGroup();
    Map<Integer, List<Tuple2<Long, String>>> lists =
        held.computeIfAbsent(fireAt, t -> new HashMap<>());
    List<Tuple2<Long, String>> list = lists.get(offset);
    if (list == null) {
      // The first timer of this list since the last checkpoint: make sure its Flink timer exists
      // (Flink keeps one per key and time however often it is registered).
      list = new ArrayList<>();
      lists.put(offset, list);
      keys.setCurrentKey(groupKeys[offset]);
      timers.registerEventTimeTimer(VoidNamespace.INSTANCE, fireAt);
      keys.setCurrentKey(customer);
    }
    list.add(Tuple2.of(time, customer));
  }

  /**
   * Writes the timers collected on the heap since the last call to their lists in keyed state,
   * one append per list: called by the operator's {@code snapshotState}, before the keyed state
   * backend takes its snapshot, so every checkpoint and savepoint holds them.
   */
  void flush() throws Exception {
    if (held.isEmpty()) {
      return;
    }
    Object current = keys.getCurrentKey();
    for (Map.Entry<Long, Map<Integer, List<Tuple2<Long, String>>>> at : held.entrySet()) {
      for (Map.Entry<Integer, List<Tuple2<Long, String>>> list : at.getValue().entrySet()) {
        keys.setCurrentKey(groupKeys[list.getKey()]);
        waiting.setCurrentNamespace(at.getKey());
        waiting.addAll(list.getValue());
      }
    }
    held.clear();
    if (current != null) {
      keys.setCurrentKey(current);
    }
  }

  /**
   * If {@code timer} is a list's ({@link #owns} its key), moves the list's timers (in keyed state
   * and on the heap) to Flink timers of their customers and returns true; the operator passes
   * any other timer on to its function.
   */
  boolean fired(InternalTimer<String, VoidNamespace> timer) throws Exception {
    if (!owns(timer.getKey())) {
      return false;
    }
    fire(timer.getTimestamp());
    return true;
  }

  private void fire(long fireAt) throws Exception {
    Object groupKey = keys.getCurrentKey();
    List<Tuple2<Long, String>> moving = new ArrayList<>();
    waiting.setCurrentNamespace(fireAt);
    Iterable<Tuple2<Long, String>> stored = waiting.get();
    if (stored != null) {
      stored.forEach(moving::add);
      waiting.clear();
    }
    Map<Integer, List<Tuple2<Long, String>>> heldAt = held.get(fireAt);
    if (heldAt != null) {
      List<Tuple2<Long, String>> onHeap = heldAt.remove(
          KeyGroupRangeAssignment.assignToKeyGroup(groupKey, maxParallelism)
              - range.getStartKeyGroup());
      if (onHeap != null) {
        moving.addAll(onHeap);
      }
      if (heldAt.isEmpty()) {
        held.remove(fireAt);
      }
    }
    for (Tuple2<Long, String> timer : moving) {
      keys.setCurrentKey(timer.f1);
      timers.registerEventTimeTimer(VoidNamespace.INSTANCE, timer.f0);
    }
    keys.setCurrentKey(groupKey);
  }

  @Override
  public long currentProcessingTime() {
    return timers.currentProcessingTime();
  }

  @Override
  public long currentWatermark() {
    return timers.currentWatermark();
  }

  @Override
  public void registerProcessingTimeTimer(long time) {
    timers.registerProcessingTimeTimer(VoidNamespace.INSTANCE, time);
  }

  @Override
  public void deleteEventTimeTimer(long time) {
    throw new UnsupportedOperationException("a far timer cannot be deleted: see FarTimers");
  }

  @Override
  public void deleteProcessingTimeTimer(long time) {
    timers.deleteProcessingTimeTimer(VoidNamespace.INSTANCE, time);
  }
}
