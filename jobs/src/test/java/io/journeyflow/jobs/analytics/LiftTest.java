package io.journeyflow.jobs.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The lift and its interval, against a hand-computed example. */
class LiftTest {

  @Test
  void matchesAHandComputedExample() {
    // Treated: 120 of 400 resolved (0.30); held out: 15 of 100 (0.15).
    // lift = 0.15; SE = sqrt(0.3*0.7/400 + 0.15*0.85/100) = sqrt(0.000525 + 0.001275)
    //      = sqrt(0.0018) = 0.0424264; CI = 0.15 -/+ 1.959964 * 0.0424264 = [0.06685, 0.23315].
    // Pooled p = 135/500 = 0.27; SE0 = sqrt(0.27*0.73*(1/400 + 1/100)) = 0.0496362;
    // z = 0.15 / 0.0496362 = 3.02199; two-sided p = erfc(z / sqrt 2) = 0.0025112.
    Lift lift = Lift.of(400, 120, 100, 15);
    assertThat(lift.lift()).isCloseTo(0.15, within(1e-12));
    assertThat(lift.low()).isCloseTo(0.06685, within(1e-5));
    assertThat(lift.high()).isCloseTo(0.23315, within(1e-5));
    assertThat(lift.pValue()).isCloseTo(0.0025112, within(1e-6));
  }

  @Test
  void noComparisonWithoutBothGroups() {
    assertThat(Lift.of(0, 0, 10, 3)).isNull();
    assertThat(Lift.of(10, 3, 0, 0)).isNull();
  }

  @Test
  void equalRatesHaveNoLiftAndPValueOne() {
    Lift lift = Lift.of(50, 0, 50, 0);
    assertThat(lift.lift()).isZero();
    assertThat(lift.pValue()).isEqualTo(1.0);
  }

  @Test
  void normalCdfIsAccurate() {
    assertThat(Lift.standardNormalCdf(0)).isCloseTo(0.5, within(1e-7));
    assertThat(Lift.standardNormalCdf(1.959964)).isCloseTo(0.975, within(1e-6));
    assertThat(Lift.standardNormalCdf(-1)).isCloseTo(0.158655, within(1e-6));
  }
}
