package io.journeyflow.schema.json;

import io.journeyflow.schema.CustomerEvent;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The semantic rules of a CustomerEvent that its Avro schema cannot express. Shared by the JSON
 * reader and by Avro input, so both reject the same events with the same messages.
 */
final class EventRules {

  static final Pattern EVENT_TYPE = Pattern.compile("[a-z0-9_]+(\\.[a-z0-9_]+)*");

  private EventRules() {}

  static void check(CustomerEvent e) throws InvalidEventException {
    String id = e.getEventId();
    if (id == null || id.isBlank()) {
      throw new InvalidEventException("eventId", "eventId is missing or blank", null);
    }
    if (e.getEventType() == null || e.getEventType().isBlank()) {
      throw new InvalidEventException("eventType", "eventType is missing or blank", id);
    }
    if (!EVENT_TYPE.matcher(e.getEventType()).matches()) {
      throw new InvalidEventException(
          "eventType",
          "eventType '" + e.getEventType()
              + "' is not dotted lowercase ([a-z0-9_] words joined by dots, e.g. payment.failed)",
          id);
    }
    if (e.getSource() == null || e.getSource().isBlank()) {
      throw new InvalidEventException("source", "source is missing or blank", id);
    }
    if (e.getOccurredAt() == null) {
      throw new InvalidEventException("occurredAt", "occurredAt is missing", id);
    }
    checkIdentities(e.getIdentities(), id);
    checkAttributes(e.getAttributes(), id);
  }

  private static void checkIdentities(Map<String, String> identities, String id)
      throws InvalidEventException {
    if (identities == null || identities.isEmpty()) {
      throw new InvalidEventException(
          "identities", "identities must hold at least one identifier, e.g. customerId", id);
    }
    for (Map.Entry<String, String> identity : identities.entrySet()) {
      if (identity.getKey() == null || identity.getKey().isBlank()) {
        throw new InvalidEventException(
            "identities", "identities has a blank identifier type", id);
      }
      if (identity.getValue() == null || identity.getValue().isBlank()) {
        throw new InvalidEventException(
            "identities." + identity.getKey(),
            "identities." + identity.getKey() + " is blank",
            id);
      }
    }
  }

  private static void checkAttributes(Map<String, Object> attributes, String id)
      throws InvalidEventException {
    if (attributes == null) {
      throw new InvalidEventException(
          "attributes", "attributes must be a map (empty when there are none)", id);
    }
    for (Map.Entry<String, Object> a : attributes.entrySet()) {
      Object v = a.getValue();
      String field = "attributes." + a.getKey();
      boolean scalar =
          v == null || v instanceof Boolean || v instanceof Long || v instanceof Double
              || v instanceof CharSequence;
      if (!scalar) {
        // Built in code (not decoded): Avro would refuse it only later, when writing.
        throw new InvalidEventException(
            field, field + " must be null, boolean, long, double or string, got "
                + v.getClass().getSimpleName(), id);
      }
      if (v instanceof Double d && !Double.isFinite(d)) {
        // JSON has no NaN or infinity: the event could not be written back as JSON lines.
        throw new InvalidEventException(field, field + " is not a finite number", id);
      }
    }
  }
}
