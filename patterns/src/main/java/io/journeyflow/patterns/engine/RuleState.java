package io.journeyflow.patterns.engine;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * What the fast engine keeps per customer and rule: the open partial matches and the completed
 * matches held back until no earlier partial match can complete first (as CEP does), both in
 * start order. Empty means the state can be dropped.
 */
public final class RuleState implements Serializable {

  private static final long serialVersionUID = 1L;

  List<PartialMatch> partials = new ArrayList<>();
  List<PartialMatch> completed = new ArrayList<>();
  /** Counts changes (not stored): callers write the state back only if it moved. */
  transient int changes;

  /** How often this object changed since it was created or read. */
  public int changes() {
    return changes;
  }

  public boolean isEmpty() {
    return partials.isEmpty() && completed.isEmpty();
  }

  /** Open partial matches, completed ones held back included. */
  public int size() {
    return partials.size() + completed.size();
  }

  /** The earliest start timestamp of anything kept, or Long.MAX_VALUE when empty. */
  public long earliestStart() {
    long min = Long.MAX_VALUE;
    for (PartialMatch p : partials) {
      min = Math.min(min, p.startTs);
    }
    for (PartialMatch p : completed) {
      min = Math.min(min, p.startTs);
    }
    return min;
  }
}
