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
  }

  /** The first step's name: correlation compares with its event. */
  public String firstStep() {
    return steps.get(0).name();
  }
}
