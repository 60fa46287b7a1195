package io.journeyflow.jobs.operators;

import java.util.Arrays;
import org.apache.flink.streaming.api.TimerService;

/**
 * Event-time timers asked for during one call, each registered once. Registering a timer that
 * exists costs as much as a new one on RocksDB (the timer is serialized and written again), and
 * rules with the same window often ask for the same instant.
 */
final class DistinctTimers {

  private long[] at = new long[4];
  private int size;

  void add(long timestamp) {
    for (int i = 0; i < size; i++) {
      if (at[i] == timestamp) {
        return;
      }
    }
    if (size == at.length) {
      at = Arrays.copyOf(at, size * 2);
    }
    at[size++] = timestamp;
  }

  /** Registers what was added since the last call, and forgets it. */
  void register(TimerService timerService) {
    for (int i = 0; i < size; i++) {
      timerService.registerEventTimeTimer(at[i]);
    }
    size = 0;
  }
}
