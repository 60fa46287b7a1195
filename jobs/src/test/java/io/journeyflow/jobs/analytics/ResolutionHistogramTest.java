package io.journeyflow.jobs.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Percentiles from logarithmic buckets are within 2% of the exact nearest-rank value. */
class ResolutionHistogramTest {

  @Test
  void percentilesAreWithinTwoPercent() {
    Map<String, Long> buckets = new HashMap<>();
    for (long minutes = 1; minutes <= 1000; minutes++) {
      buckets.merge(Integer.toString(ResolutionHistogram.bucket(minutes * 60_000)), 1L,
          Long::sum);
    }
    assertThat(ResolutionHistogram.percentile(buckets, 0.5)).isBetween(500 * 60_000L,
        (long) (500 * 60_000 * 1.02));
    assertThat(ResolutionHistogram.percentile(buckets, 0.9)).isBetween(900 * 60_000L,
        (long) (900 * 60_000 * 1.02));
    assertThat(ResolutionHistogram.percentile(buckets, 0.99)).isBetween(990 * 60_000L,
        (long) (990 * 60_000 * 1.02));
    assertThat(buckets.size()).isLessThan(400);
  }

  @Test
  void emptyHasNoPercentile() {
    assertThat(ResolutionHistogram.percentile(Map.of(), 0.5)).isNull();
  }
}
