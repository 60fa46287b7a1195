package io.journeyflow.jobs.operators;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;

/**
 * A keyed operator's records held by customer and event time until the watermark passes their
 * time, on the heap: a record waits there for a fraction of a second to a few seconds, and in
 * keyed state each one cost a read and a write when buffered, a read and a delete when its timer
 * fired, and one more column family for every checkpoint to flush (on RocksDB). The records are
 * checkpointed as union operator state; after a restore each subtask keeps those of its own key
 * groups, so rescaling works. Beyond {@code limit} records (a watermark that stalls) new records
 * go to the keyed-state buffer instead, so the heap holds a bounded amount. Until an operator
 * {@link #initialize}s it (a function run by another operator) every record goes there.
 */
final class HeapTimeBuffer<T> {

  /** Records per subtask on the heap unless configured (journeyflow.buffer.heap-records). */
  static final int DEFAULT_LIMIT = 20_000;

  /** One customer's records at one time. */
  private record KeyTime(String key, long time) {}

  private final Map<KeyTime, List<T>> held = new HashMap<>();
  private final int limit;
  private int records;
  /** Whether the keyed-state buffer may hold records (spilled, or restored with some). */
  private boolean keyedMayHold;
  private ListState<Tuple3<String, Long, List<T>>> checkpointed;

  HeapTimeBuffer(int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("the buffer limit must not be negative: " + limit);
    }
    this.limit = limit;
  }

  /**
   * Registers the union operator state {@code name} of {@code operator} and, after a restore,
   * takes the records of the operator's key groups.
   */
  void initialize(AbstractStreamOperator<?> operator, StateInitializationContext context,
      String name, TypeInformation<T> type) throws Exception {
    checkpointed = context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>(
        name, new TupleTypeInfo<>(Types.STRING, Types.LONG, new ListTypeInfo<>(type))));
    held.clear();
    records = 0;
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
        held.computeIfAbsent(new KeyTime(entry.f0, entry.f1), k -> new ArrayList<>())
            .addAll(entry.f2);
        records += entry.f2.size();
      }
    }
  }

  /** Whether the keyed-state buffer holds records of an earlier run (asked once, at open). */
  void keyedHolds(boolean holds) {
    keyedMayHold |= holds;
  }

  /** Writes the held records to the operator state of the checkpoint being taken. */
  void snapshot() throws Exception {
    List<Tuple3<String, Long, List<T>>> entries = new ArrayList<>(held.size());
    held.forEach((kt, list) -> entries.add(Tuple3.of(kt.key(), kt.time(), list)));
    checkpointed.update(entries);
  }

  /**
   * Holds {@code record} of {@code key} until {@code at}, asking a timer for a new time (an
   * existing one has its timer already); beyond the limit it goes to {@code keyed}.
   */
  void add(String key, long at, T record, MapState<Long, List<T>> keyed, TimerService timers)
      throws Exception {
    if (records >= limit || checkpointed == null) {
      keyedMayHold = true;
      TimeBuffers.add(keyed, record, at, timers);
      return;
    }
    List<T> atTime = held.get(new KeyTime(key, at));
    if (atTime == null) {
      atTime = new ArrayList<>(1);
      held.put(new KeyTime(key, at), atTime);
      timers.registerEventTimeTimer(at);
    }
    atTime.add(record);
    records++;
  }

  /** Removes and returns the records of {@code key} at {@code at} (null: none). */
  List<T> take(String key, long at, MapState<Long, List<T>> keyed) throws Exception {
    List<T> taken = held.remove(new KeyTime(key, at));
    if (taken != null) {
      records -= taken.size();
    }
    if (keyedMayHold || checkpointed == null) {
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

  /** Records held on the heap. */
  int size() {
    return records;
  }
}
