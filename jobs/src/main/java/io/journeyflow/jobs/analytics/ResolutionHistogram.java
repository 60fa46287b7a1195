package io.journeyflow.jobs.analytics;

import java.util.Map;
import java.util.TreeMap;

/**
 * Time-to-resolution percentiles from logarithmic buckets: bucket {@code i} holds durations up
 * to {@code 1.02^i} milliseconds, so a percentile is exact to within 2% while a window's state
 * stays a few hundred counters, whatever the number of journeys.
 */
public final class ResolutionHistogram {

  private static final double BASE = 1.02;

  private ResolutionHistogram() {}

  public static int bucket(long millis) {
    return millis <= 1 ? 0 : (int) Math.ceil(Math.log(millis) / Math.log(BASE));
  }

  /** The upper bound of a bucket, in milliseconds. */
  static long upper(int bucket) {
    return bucket == 0 ? 1 : (long) Math.ceil(Math.pow(BASE, bucket));
  }

  /** The q-quantile (0 < q <= 1) of the counted durations, or null when there are none. */
  public static Long percentile(Map<String, Long> buckets, double q) {
    TreeMap<Integer, Long> sorted = new TreeMap<>();
    long total = 0;
    for (Map.Entry<String, Long> e : buckets.entrySet()) {
      sorted.merge(Integer.parseInt(e.getKey()), e.getValue(), Long::sum);
      total += e.getValue();
    }
    if (total == 0) {
      return null;
    }
    long rank = (long) Math.ceil(q * total); // nearest-rank definition
    long seen = 0;
    for (Map.Entry<Integer, Long> e : sorted.entrySet()) {
      seen += e.getValue();
      if (seen >= rank) {
        return upper(e.getKey());
      }
    }
    return upper(sorted.lastKey());
  }
}
