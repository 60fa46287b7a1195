package io.journeyflow.schema.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.journeyflow.schema.CustomerEvent;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.IndexedRecord;

/**
 * The JSON-lines form of the contract: field names as in the Avro schemas, unions written
 * plainly, timestamps as ISO-8601 UTC strings, bytes as base64.
 */
public final class ContractJson {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Pattern EVENT_TYPE = Pattern.compile("[a-z0-9_]+(\\.[a-z0-9_]+)*");
  private static final Set<String> EVENT_FIELDS =
      Set.of("eventId", "eventType", "source", "channel", "occurredAt", "identities", "entityId",
          "attributes");

  private ContractJson() {}

  /** One line of JSON for any generated record, fields in schema order. */
  public static String toJson(IndexedRecord record) {
    try {
      return MAPPER.writeValueAsString(toNode(record, record.getSchema()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + record.getSchema().getName(), e);
    }
  }

  private static JsonNode toNode(Object value, Schema schema) {
    if (value == null) {
      return NODES.nullNode();
    }
    switch (schema.getType()) {
      case RECORD: {
        IndexedRecord record = (IndexedRecord) value;
        ObjectNode node = NODES.objectNode();
        for (Schema.Field field : schema.getFields()) {
          node.set(field.name(), toNode(record.get(field.pos()), field.schema()));
        }
        return node;
      }
      case UNION:
        return toNode(value, branch(value, schema));
      case ARRAY: {
        ArrayNode node = NODES.arrayNode();
        for (Object item : (Collection<?>) value) {
          node.add(toNode(item, schema.getElementType()));
        }
        return node;
      }
      case MAP: {
        ObjectNode node = NODES.objectNode();
        Map<?, ?> map = (Map<?, ?>) value;
        // Sorted keys: the same record always gives the same line.
        new java.util.TreeMap<>(map).forEach(
            (k, v) -> node.set(k.toString(), toNode(v, schema.getValueType())));
        return node;
      }
      case LONG:
        if (value instanceof Instant) {
          return NODES.textNode(formatInstant((Instant) value));
        }
        return NODES.numberNode(((Number) value).longValue());
      case INT:
        return NODES.numberNode(((Number) value).intValue());
      case DOUBLE:
      case FLOAT:
        return NODES.numberNode(((Number) value).doubleValue());
      case BOOLEAN:
        return NODES.booleanNode((Boolean) value);
      case BYTES: {
        ByteBuffer buffer = ((ByteBuffer) value).duplicate();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
      }
      case ENUM:
      case STRING:
      default:
        return NODES.textNode(value.toString());
    }
  }

  private static Schema branch(Object value, Schema union) {
    for (Schema s : union.getTypes()) {
      if (matches(value, s)) {
        return s;
      }
    }
    throw new IllegalArgumentException("no branch of " + union + " for " + value.getClass());
  }

  private static boolean matches(Object value, Schema s) {
    LogicalType logical = s.getLogicalType();
    switch (s.getType()) {
      case NULL:
        return false;
      case STRING:
        return value instanceof CharSequence;
      case BOOLEAN:
        return value instanceof Boolean;
      case LONG:
        return value instanceof Long
            || (value instanceof Instant && logical instanceof LogicalTypes.TimestampMillis);
      case INT:
        return value instanceof Integer;
      case DOUBLE:
        return value instanceof Double;
      case FLOAT:
        return value instanceof Float;
      case BYTES:
        return value instanceof ByteBuffer;
      case RECORD:
      case ENUM:
        return value instanceof GenericContainer
            && ((GenericContainer) value).getSchema().getFullName().equals(s.getFullName());
      case ARRAY:
        return value instanceof Collection;
      case MAP:
        return value instanceof Map;
      default:
        return false;
    }
  }

  static String formatInstant(Instant instant) {
    return instant.toString();
  }

  /** Parses and validates one JSON-lines CustomerEvent. */
  public static CustomerEvent parseEvent(String json) throws InvalidEventException {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidEventException(
          "invalid JSON: " + e.getOriginalMessage(), null, e);
    }
    if (root == null || !root.isObject()) {
      throw new InvalidEventException("an event must be a JSON object", null);
    }
    String eventId = root.path("eventId").isTextual() ? root.get("eventId").asText() : null;
    Iterator<String> names = root.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!EVENT_FIELDS.contains(name)) {
        throw new InvalidEventException(
            "unknown field '" + name + "' (fields are " + EVENT_FIELDS + ")", eventId);
      }
    }
    CustomerEvent event =
        CustomerEvent.newBuilder()
            .setEventId(requiredText(root, "eventId", eventId))
            .setEventType(requiredText(root, "eventType", eventId))
            .setSource(requiredText(root, "source", eventId))
            .setChannel(optionalText(root, "channel", eventId))
            .setOccurredAt(instant(root.get("occurredAt"), eventId))
            .setIdentities(identities(root.get("identities"), eventId))
            .setEntityId(optionalText(root, "entityId", eventId))
            .setAttributes(attributes(root.get("attributes"), eventId))
            .build();
    validate(event);
    return event;
  }

  /** Semantic checks that Avro decoding cannot make (blank ids, empty identities, ...). */
  public static void validate(CustomerEvent e) throws InvalidEventException {
    String id = e.getEventId();
    if (id == null || id.isBlank()) {
      throw new InvalidEventException("eventId is missing or blank", null);
    }
    if (e.getEventType() == null || !EVENT_TYPE.matcher(e.getEventType()).matches()) {
      throw new InvalidEventException(
          "eventType '" + e.getEventType() + "' is not dotted lowercase (e.g. payment.failed)",
          id);
    }
    if (e.getSource() == null || e.getSource().isBlank()) {
      throw new InvalidEventException("source is missing or blank", id);
    }
    if (e.getOccurredAt() == null) {
      throw new InvalidEventException("occurredAt is missing", id);
    }
    if (e.getIdentities() == null || e.getIdentities().isEmpty()) {
      throw new InvalidEventException("identities must hold at least one identifier", id);
    }
    for (Map.Entry<String, String> identity : e.getIdentities().entrySet()) {
      if (identity.getValue() == null || identity.getValue().isBlank()) {
        throw new InvalidEventException(
            "identity '" + identity.getKey() + "' has a blank value", id);
      }
    }
  }

  private static String requiredText(JsonNode root, String field, String eventId)
      throws InvalidEventException {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      throw new InvalidEventException(field + " is missing", eventId);
    }
    if (!node.isTextual() || node.asText().isBlank()) {
      throw new InvalidEventException(field + " must be a non-blank string", eventId);
    }
    return node.asText();
  }

  private static String optionalText(JsonNode root, String field, String eventId)
      throws InvalidEventException {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw new InvalidEventException(field + " must be a string or null", eventId);
    }
    return node.asText();
  }

  private static Instant instant(JsonNode node, String eventId) throws InvalidEventException {
    if (node == null || node.isNull()) {
      throw new InvalidEventException("occurredAt is missing", eventId);
    }
    if (node.isIntegralNumber()) {
      return Instant.ofEpochMilli(node.asLong());
    }
    if (!node.isTextual()) {
      throw new InvalidEventException(
          "occurredAt must be an ISO-8601 instant or epoch milliseconds", eventId);
    }
    try {
      return OffsetDateTime.parse(node.asText()).toInstant();
    } catch (DateTimeParseException e) {
      throw new InvalidEventException(
          "occurredAt '" + node.asText() + "' is not an ISO-8601 instant"
              + " (e.g. 2026-11-01T10:00:00Z)", eventId, e);
    }
  }

  private static Map<String, String> identities(JsonNode node, String eventId)
      throws InvalidEventException {
    if (node == null || node.isNull() || !node.isObject() || node.isEmpty()) {
      throw new InvalidEventException(
          "identities must be an object with at least one identifier", eventId);
    }
    Map<String, String> out = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      if (!f.getValue().isTextual() || f.getValue().asText().isBlank()) {
        throw new InvalidEventException(
            "identity '" + f.getKey() + "' must be a non-blank string", eventId);
      }
      out.put(f.getKey(), f.getValue().asText());
    }
    return out;
  }

  private static Map<String, Object> attributes(JsonNode node, String eventId)
      throws InvalidEventException {
    Map<String, Object> out = new LinkedHashMap<>();
    if (node == null || node.isNull()) {
      return out;
    }
    if (!node.isObject()) {
      throw new InvalidEventException("attributes must be an object", eventId);
    }
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      JsonNode v = f.getValue();
      Object value;
      if (v.isNull()) {
        value = null;
      } else if (v.isBoolean()) {
        value = v.booleanValue();
      } else if (v.isIntegralNumber()) {
        value = v.longValue();
      } else if (v.isNumber()) {
        value = v.doubleValue();
      } else if (v.isTextual()) {
        value = v.asText();
      } else {
        throw new InvalidEventException(
            "attribute '" + f.getKey() + "' must be null, boolean, number or string", eventId);
      }
      out.put(f.getKey(), value);
    }
    return out;
  }
}
