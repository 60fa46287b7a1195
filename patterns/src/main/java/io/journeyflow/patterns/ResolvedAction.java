package io.journeyflow.patterns;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An action of a rule with its templates filled from one match. {@code channel} is null when
 * the rule names none or its template resolved to nothing.
 */
public record ResolvedAction(
    String actionType, String channel, int priority, String purpose,
    boolean discardInQuietHours, Map<String, String> parameters) {

  public ResolvedAction {
    parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
  }

  /** An action with the default purpose and quiet-hours handling (defer). */
  public ResolvedAction(
      String actionType, String channel, int priority, Map<String, String> parameters) {
    this(actionType, channel, priority, ActionSpec.DEFAULT_PURPOSE, false, parameters);
  }
}
