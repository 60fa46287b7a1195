package io.journeyflow.jobs.tools.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LiftStatsTest {

  @Test
  void pValueOfKnownNormalQuantiles() {
    assertThat(LiftStats.twoSided(1.959964)).isCloseTo(0.05, within(1e-6));
    assertThat(LiftStats.twoSided(2.575829)).isCloseTo(0.01, within(1e-6));
    assertThat(LiftStats.twoSided(0)).isCloseTo(1.0, within(1e-6));
  }

  @Test
  void undefinedStatisticsAreNull() {
    assertThat(LiftStats.of(0, 0, 10, 5).lift()).isNull();
    assertThat(LiftStats.of(10, 5, 0, 0).low()).isNull();
    // everyone had the outcome: lift 0, zero variance, no test
    LiftStats.Result all = LiftStats.of(10, 10, 10, 10);
    assertThat(all.lift()).isZero();
    assertThat(all.low()).isZero();
    assertThat(all.pValue()).isNull();
  }
}
