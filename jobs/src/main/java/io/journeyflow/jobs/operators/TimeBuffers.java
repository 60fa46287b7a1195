package io.journeyflow.jobs.operators;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.streaming.api.TimerService;

/** Records held in keyed state by event time until the watermark passes it. */
final class TimeBuffers {

  private TimeBuffers() {}

  /**
   * Adds {@code record} to the list at {@code at}. Only a new list asks for a timer: a list that
   * exists has its timer already (the list is removed when its timer fires).
   */
  static <T> void add(MapState<Long, List<T>> buffer, T record, long at, TimerService timers)
      throws Exception {
    List<T> atTime = buffer.get(at);
    if (atTime == null) {
      atTime = new ArrayList<>(1);
      timers.registerEventTimeTimer(at);
    }
    atTime.add(record);
    buffer.put(at, atTime);
  }
}
