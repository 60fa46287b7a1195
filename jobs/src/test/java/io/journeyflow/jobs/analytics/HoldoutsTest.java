package io.journeyflow.jobs.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Holdout assignment: stable, independent per rule, and close to the asked share. */
class HoldoutsTest {

  @Test
  void sameCustomerSameGroupAlways() {
    for (int i = 0; i < 1000; i++) {
      String customer = "c-" + i;
      assertThat(Holdouts.heldOut("s", "rule", customer, 10))
          .isEqualTo(Holdouts.heldOut("s", "rule", customer, 10));
    }
    // Pinned (computed independently: the first 8 bytes of the SHA-256, unsigned, modulo a
    // million): the assignment must never change between versions of the job.
    assertThat(Holdouts.bucket("journeyflow-holdout-1", "cart-abandonment", "c-1"))
        .isEqualTo(263_814);
  }

  @Test
  void shareIsCloseToThePercentAndRulesSplitIndependently() {
    int n = 100_000;
    int heldA = 0;
    int heldBoth = 0;
    for (int i = 0; i < n; i++) {
      boolean a = Holdouts.heldOut("s", "rule-a", "c-" + i, 10);
      boolean b = Holdouts.heldOut("s", "rule-b", "c-" + i, 10);
      heldA += a ? 1 : 0;
      heldBoth += a && b ? 1 : 0;
    }
    assertThat(heldA / (double) n).isCloseTo(0.10, within(0.005));
    assertThat(heldBoth / (double) n).isCloseTo(0.01, within(0.002)); // 10% of 10%
  }

  @Test
  void saltReshuffles() {
    int same = 0;
    for (int i = 0; i < 10_000; i++) {
      same += Holdouts.heldOut("one", "r", "c-" + i, 50) == Holdouts.heldOut("two", "r",
          "c-" + i, 50) ? 1 : 0;
    }
    assertThat(same / 10_000.0).isCloseTo(0.5, within(0.03));
  }
}
