package io.journeyflow.patterns;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * A rule's holdout: a share of customers (chosen by a stable hash) gets no action, and the
 * outcome events within the attribution window are counted for them and for the treated.
 *
 * @param percent share of customers held out, above 0 and below 100
 * @param outcomes event types that count as the outcome (e.g. billing.issue.resolved)
 * @param within attribution window, from the breakpoint
 */
public record HoldoutSpec(double percent, List<String> outcomes, Duration within)
    implements Serializable {

  public HoldoutSpec {
    outcomes = List.copyOf(outcomes);
  }
}
