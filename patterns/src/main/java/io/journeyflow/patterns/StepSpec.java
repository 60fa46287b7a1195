package io.journeyflow.patterns;

import io.journeyflow.patterns.cel.CelCondition;
import java.io.Serializable;
import java.util.List;

/**
 * One step of a rule: which event types it takes, an optional condition, how it follows the
 * previous step, how often it repeats, and whether it is an absence ("not followed by").
 */
public record StepSpec(
    String name,
    List<String> eventTypes,
    CelCondition condition,
    Contiguity contiguity,
    Integer timesFrom,
    Integer timesTo,
    boolean oneOrMore,
    boolean optional,
    boolean absent)
    implements Serializable {

  /** How a step follows the one before it. */
  public enum Contiguity {
    /** Other events may come in between (Flink CEP followedBy / notFollowedBy). */
    RELAXED,
    /** The very next event of the customer (next / notNext). */
    STRICT,
    /** Like relaxed, but every matching event starts its own alternative (followedByAny). */
    ANY
  }

  public StepSpec {
    eventTypes = List.copyOf(eventTypes);
  }

  public boolean quantified() {
    return timesFrom != null || oneOrMore;
  }
}
