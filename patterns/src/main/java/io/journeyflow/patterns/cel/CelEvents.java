package io.journeyflow.patterns.cel;

import com.google.protobuf.Timestamp;
import io.journeyflow.schema.CustomerEvent;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** An event as CEL sees it: a value of the struct type {@code journeyflow.Event}. */
public final class CelEvents {

  private CelEvents() {}

  public static Map<String, Object> toCel(CustomerEvent e) {
    Map<String, Object> m = new HashMap<>(16);
    m.put("eventId", e.getEventId());
    m.put("eventType", e.getEventType());
    m.put("source", e.getSource());
    // CEL strings cannot be null: an absent channel or entity is the empty string.
    m.put("channel", e.getChannel() == null ? "" : e.getChannel());
    m.put("entityId", e.getEntityId() == null ? "" : e.getEntityId());
    m.put("occurredAt", timestamp(e.getOccurredAt()));
    m.put("identities", e.getIdentities());
    Map<String, Object> attributes = new HashMap<>();
    for (Map.Entry<String, Object> a : e.getAttributes().entrySet()) {
      if (a.getValue() != null) {
        attributes.put(a.getKey(), a.getValue());
      }
    }
    m.put("attributes", attributes);
    return m;
  }

  static Timestamp timestamp(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }
}
