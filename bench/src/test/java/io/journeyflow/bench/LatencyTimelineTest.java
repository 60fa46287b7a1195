package io.journeyflow.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Buckets of the latency run: samples by decision time, checkpoints by trigger time. */
class LatencyTimelineTest {

  @Test
  void samplesAndCheckpointsLandInTheBucketOfTheirTime() {
    LatencyTimeline t = new LatencyTimeline(100_000, 10_000);
    t.sample(99_999, 5_000); // before the measured part: not counted
    for (int i = 0; i < 100; i++) {
      t.sample(100_000 + i, 80 + i % 10); // 80..89 ms
    }
    t.sample(105_000, 400); // the tail of the first bucket
    t.sample(112_000, 90);
    t.checkpoint(1, 104_000, 170, 130, 5, 9);
    t.checkpoint(1, 104_000, 999, 999, 999, 999); // seen again: kept once
    t.checkpoint(2, 109_000, 150, 140, 2, 3);
    t.syncOf("decide", 0, 95_000, 480); // the warm-up's first checkpoint: left out
    t.syncOf("decide", 1, 104_000, 130);
    t.syncOf("decide", 1, 104_000, 999); // seen again: kept once
    t.syncOf("decide", 2, 109_000, 90);
    t.syncOf("decide", 3, 114_000, 100);

    List<Map<String, Object>> buckets = t.buckets(120_000);

    assertThat(buckets).hasSize(2);
    Map<String, Object> first = buckets.get(0);
    assertThat(first).containsEntry("fromSecond", 0L).containsEntry("samples", 101)
        .containsEntry("p50Millis", 85L).containsEntry("maxMillis", 400L)
        .containsEntry("checkpoints", 2).containsEntry("longestCheckpointMillis", 170L)
        .containsEntry("longestSyncMillis", 140L).containsEntry("longestAlignmentMillis", 5L);
    Map<String, Object> second = buckets.get(1);
    assertThat(second).containsEntry("fromSecond", 10L).containsEntry("samples", 1)
        .containsEntry("checkpoints", 0).containsEntry("longestSyncMillis", null);
    assertThat(t.syncByTask("max")).containsExactly(Map.entry("decide", 130L));
    assertThat(t.syncByTask("median")).containsExactly(Map.entry("decide", 100L));
  }
}
