package io.journeyflow.patterns.cel;

import com.google.protobuf.Timestamp;
import dev.cel.common.values.NullValue;
import io.journeyflow.schema.CustomerEvent;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * An event as CEL sees it: a value of the struct type {@code journeyflow.Event}, as a read-only
 * view that computes a field only when an expression selects it (conditions run per event, so
 * nothing is copied up front).
 */
public final class CelEvents {

  private CelEvents() {}

  /** The CEL value of an event. */
  public static Map<String, Object> view(CustomerEvent e) {
    return new EventView(e);
  }

  static Timestamp timestamp(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }

  /** CEL has its own null, and no Java null or non-String char sequences (Avro's Utf8). */
  static Object value(Object v) {
    if (v == null) {
      return NullValue.NULL_VALUE;
    }
    if (v instanceof CharSequence && !(v instanceof String)) {
      return v.toString();
    }
    return v;
  }

  /** The fields of one event, read from the Avro record on demand. */
  private static final class EventView extends AbstractMap<String, Object> {
    private final CustomerEvent event;

    EventView(CustomerEvent event) {
      this.event = event;
    }

    @Override
    public boolean containsKey(Object key) {
      return key instanceof String k && CelEnvironment.EVENT_FIELDS.containsKey(k);
    }

    @Override
    public Object get(Object key) {
      if (!(key instanceof String k)) {
        return null;
      }
      return switch (k) {
        case "eventId" -> value(event.getEventId());
        case "eventType" -> value(event.getEventType());
        case "source" -> value(event.getSource());
        case "channel" -> value(event.getChannel());
        case "entityId" -> value(event.getEntityId());
        case "occurredAt" -> timestamp(event.getOccurredAt());
        case "identities" -> new ValueView(event.getIdentities());
        case "attributes" -> new ValueView(event.getAttributes());
        default -> null;
      };
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      // Only whole-value operations (printing, equality of two events) get here: rare.
      Map<String, Object> all = new LinkedHashMap<>();
      for (String field : CelEnvironment.EVENT_FIELDS.keySet()) {
        all.put(field, get(field));
      }
      return all.entrySet();
    }
  }

  /** A string-keyed Avro map with its values as CEL values, converted on read. */
  private static final class ValueView extends AbstractMap<String, Object> {
    private final Map<String, ?> values;

    ValueView(Map<String, ?> values) {
      this.values = values == null ? Map.of() : values;
    }

    @Override
    public boolean containsKey(Object key) {
      return values.containsKey(key);
    }

    @Override
    public Object get(Object key) {
      return values.containsKey(key) ? value(values.get(key)) : null;
    }

    @Override
    public int size() {
      return values.size();
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      Map<String, Object> all = new LinkedHashMap<>();
      values.forEach((k, v) -> all.put(k, value(v)));
      return all.entrySet();
    }
  }
}
