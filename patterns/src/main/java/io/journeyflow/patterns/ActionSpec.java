package io.journeyflow.patterns;

import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.internal.MatchedEvent;
import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** An action a rule emits per match; channel and parameters may reference matched events. */
public record ActionSpec(
    String type, Template channel, int priority, String purpose, boolean discardInQuietHours,
    boolean requiresApproval, Map<String, Template> parameters)
    implements Serializable {

  public static final int DEFAULT_PRIORITY = 50;
  /** Purposes decide which consent and frequency caps apply to an action. */
  public static final Set<String> PURPOSES = Set.of("marketing", "service", "transactional");
  public static final String DEFAULT_PURPOSE = "service";

  public ActionSpec {
    // Insertion order is the file's order: resolved parameters keep it.
    parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
  }

  /**
   * Fills channel and parameters from a match (events in match order): each reference takes
   * the last event matched for its step; a missing value is "" in a parameter and makes the
   * channel null.
   */
  public ResolvedAction resolve(List<MatchedEvent> matched) {
    Map<String, CustomerEvent> last = Template.lastByStep(matched);
    Map<String, String> values = new LinkedHashMap<>();
    parameters.forEach((k, t) -> values.put(k, t.resolve(last)));
    String ch = channel == null ? null : channel.resolve(last);
    return new ResolvedAction(type, ch == null || ch.isEmpty() ? null : ch, priority, purpose,
        discardInQuietHours, values);
  }
}
