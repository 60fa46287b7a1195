package io.journeyflow.patterns;

import io.journeyflow.patterns.cel.CelCondition;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.internal.MatchedEvent;
import java.io.Serializable;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a rule suppresses while its issue is open, and what ends it: a release event type, a
 * release condition, or the maximum duration.
 */
public record SuppressSpec(
    List<String> scopes, List<String> releaseOn, CelCondition releaseWhen, Duration maxDuration)
    implements Serializable {

  public SuppressSpec {
    scopes = List.copyOf(scopes);
    releaseOn = List.copyOf(releaseOn);
  }

  /**
   * Whether {@code candidate} releases a suppression opened by {@code openedBy}. In
   * {@code releaseWhen}, {@code event} is the candidate and {@code opened} the last event of
   * the opening match.
   */
  public boolean releasedBy(CustomerEvent candidate, List<MatchedEvent> openedBy) {
    return releasedBy(candidate, () -> openedBy);
  }

  /**
   * The same, asking for the opening match's events only when the release condition needs them
   * (callers that keep them in state read them only then).
   */
  public boolean releasedBy(CustomerEvent candidate, Supplier<List<MatchedEvent>> opening) {
    if (releaseOn.contains(candidate.getEventType())) {
      return true;
    }
    if (releaseWhen == null) {
      return false;
    }
    Map<String, CustomerEvent> bindings = new HashMap<>(4);
    bindings.put("event", candidate);
    List<MatchedEvent> openedBy = opening.get();
    if (openedBy != null && !openedBy.isEmpty()) {
      bindings.put("opened", openedBy.get(openedBy.size() - 1).getEvent());
    }
    // Evaluation errors (e.g. a missing attribute) are false: the suppression stays open.
    return releaseWhen.test(bindings);
  }
}
