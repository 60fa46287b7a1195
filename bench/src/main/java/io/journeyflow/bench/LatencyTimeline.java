package io.journeyflow.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The latency run over time, in buckets of its measured part: latency by when actions were
 * decided, beside the garbage collection and the checkpoints of the same seconds, so that a
 * tail can be traced to what the process was doing when it happened.
 */
final class LatencyTimeline {

  private final long start;
  private final long bucketMillis;
  /** {decidedAt, latency} of each read_uncommitted sample. */
  private final ConcurrentLinkedQueue<long[]> samples = new ConcurrentLinkedQueue<>();
  /** {wall-clock time, total GC milliseconds so far}, one per {@link #tick}. */
  private final List<long[]> gc = new ArrayList<>();
  /**
   * {trigger time, end-to-end duration, longest synchronous part, longest alignment, longest
   * start delay} of each completed checkpoint seen (the last three over all subtasks).
   */
  private final Map<Long, long[]> checkpoints = new LinkedHashMap<>();

  /**
   * Per task (the job vertex's name): checkpoint id -> {trigger time, longest synchronous part
   * over the task's subtasks}.
   */
  private final Map<String, Map<Long, long[]>> syncByTask = new LinkedHashMap<>();

  LatencyTimeline(long start, long bucketMillis) {
    this.start = start;
    this.bucketMillis = bucketMillis;
  }

  void sample(long decidedAt, long latency) {
    samples.add(new long[] {decidedAt, latency});
  }

  /** The latency of every sample, in no particular order. */
  List<Long> latencies() {
    List<Long> all = new ArrayList<>();
    for (long[] s : samples) {
      all.add(s[1]);
    }
    return all;
  }

  /** Notes the process's GC time so far (call every few seconds). */
  void tick(long now) {
    long total = 0;
    for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
      total += Math.max(0, bean.getCollectionTime());
    }
    gc.add(new long[] {now, total});
  }

  /** A completed checkpoint (each id is kept once). */
  void checkpoint(long id, long triggeredAt, long durationMillis, long syncMillis,
      long alignmentMillis, long startDelayMillis) {
    checkpoints.putIfAbsent(id, new long[] {triggeredAt, durationMillis, syncMillis,
        alignmentMillis, startDelayMillis});
  }

  /** The synchronous part of {@code task} in a completed checkpoint (each id is kept once). */
  void syncOf(String task, long checkpointId, long triggeredAt, long syncMillis) {
    syncByTask.computeIfAbsent(task, t -> new LinkedHashMap<>())
        .putIfAbsent(checkpointId, new long[] {triggeredAt, syncMillis});
  }

  /**
   * Per task, over the checkpoints triggered in the measured part: {@code stat} "max" or
   * "median" of the synchronous part (the warm-up's first checkpoint costs several times the
   * others, so it is left out).
   */
  Map<String, Long> syncByTask(String stat) {
    Map<String, Long> out = new LinkedHashMap<>();
    syncByTask.forEach((task, byId) -> {
      List<Long> measured = new ArrayList<>();
      for (long[] c : byId.values()) {
        if (c[0] >= start) {
          measured.add(c[1]);
        }
      }
      if (!measured.isEmpty()) {
        measured.sort(null);
        out.put(task, stat.equals("max") ? measured.get(measured.size() - 1)
            : measured.get(measured.size() / 2));
      }
    });
    return out;
  }

  /**
   * One entry per bucket from the start: its offset in seconds, the samples decided in it with
   * their percentiles and max ({@link Harness#percentiles}), the GC milliseconds in it, and
   * the checkpoints triggered in it with the longest one's duration.
   */
  List<Map<String, Object>> buckets(long end) {
    int n = (int) Math.max(0, (end - start + bucketMillis - 1) / bucketMillis);
    List<List<Long>> latencies = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      latencies.add(new ArrayList<>());
    }
    for (long[] s : samples) {
      int i = bucket(s[0]);
      if (i >= 0 && i < n) {
        latencies.get(i).add(s[1]);
      }
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long from = start + i * bucketMillis;
      long to = from + bucketMillis;
      Map<String, Object> b = new LinkedHashMap<>();
      b.put("fromSecond", i * bucketMillis / 1000);
      b.putAll(Harness.percentiles(latencies.get(i)));
      b.put("gcMillis", Math.round(Harness.interpolate(gc, to) - Harness.interpolate(gc, from)));
      int count = 0;
      long[] longest = new long[5];
      for (long[] c : checkpoints.values()) {
        if (c[0] >= from && c[0] < to) {
          count++;
          for (int k = 1; k < c.length; k++) {
            longest[k] = Math.max(longest[k], c[k]);
          }
        }
      }
      b.put("checkpoints", count);
      b.put("longestCheckpointMillis", count == 0 ? null : longest[1]);
      b.put("longestSyncMillis", count == 0 ? null : longest[2]);
      b.put("longestAlignmentMillis", count == 0 ? null : longest[3]);
      b.put("longestStartDelayMillis", count == 0 ? null : longest[4]);
      out.add(b);
    }
    return out;
  }

  private int bucket(long t) {
    return t < start ? -1 : (int) ((t - start) / bucketMillis);
  }
}
