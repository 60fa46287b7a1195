package io.journeyflow.patterns;

import java.util.Map;

/** An action of a rule with its templates filled from one match. */
public record ResolvedAction(
    String actionType, String channel, int priority, String purpose,
    boolean discardInQuietHours, Map<String, String> parameters) {}
