package io.journeyflow.patterns;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/** One validated rule: a pattern over a customer's events, and what to do when it matches. */
public record Rule(
    String id,
    int version,
    String description,
    String journey,
    Duration within,
    String correlateBy,
    AfterMatch afterMatch,
    List<StepSpec> steps,
    List<ActionSpec> actions,
    SuppressSpec suppress,
    List<String> exitOn,
    Duration reentryAfter,
    boolean reentryNever,
    HoldoutSpec holdout,
    String sourceFile)
    implements Serializable {

  /** Which matches may share events: see docs/patterns.md. */
  public enum AfterMatch {
    SKIP_PAST_LAST_EVENT,
    NO_SKIP,
    SKIP_TO_NEXT
  }

  public Rule {
    steps = List.copyOf(steps);
    actions = List.copyOf(actions);
    exitOn = List.copyOf(exitOn);
  }

  /**
   * Whether a new match may act for a customer who last entered at {@code lastEntered}:
   * always (default), never again, or only after a quiet period.
   */
  public boolean mayReenter(java.time.Instant lastEntered, java.time.Instant now) {
    if (lastEntered == null) {
      return true;
    }
    if (reentryNever) {
      return false;
    }
    return reentryAfter == null || !now.isBefore(lastEntered.plus(reentryAfter));
  }

  /** The first step's name: correlation compares with its event. */
  public String firstStep() {
    return steps.get(0).name();
  }
}
