package io.journeyflow.schema.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.journeyflow.schema.CustomerEvent;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/** Reads the JSON-lines form of one CustomerEvent, strictly: typos and wrong types fail. */
final class EventJsonReader {

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          // A repeated key would silently win over the first; trailing text hides a broken line.
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  /** The fields the job sets itself (identity resolution); an input that sets one is refused. */
  static final List<String> JOB_FIELDS = List.of("customerKey", "shadowOf");

  /** Top-level field names, in schema order, so messages list them as documented. */
  static final List<String> FIELDS =
      CustomerEvent.getClassSchema().getFields().stream().map(Schema.Field::name)
          .filter(name -> !JOB_FIELDS.contains(name)).toList();

  private EventJsonReader() {}

  static CustomerEvent read(String json) throws InvalidEventException {
    JsonNode root = tree(json);
    // Read the id first so that every later error can name the event.
    JsonNode idNode = root.get("eventId");
    String eventId =
        idNode != null && idNode.isTextual() && !idNode.asText().isBlank() ? idNode.asText() : null;
    for (Map.Entry<String, JsonNode> field : root.properties()) {
      if (!FIELDS.contains(field.getKey())) {
        throw new InvalidEventException(field.getKey(), unknownField(field.getKey()), eventId);
      }
    }
    CustomerEvent event =
        CustomerEvent.newBuilder()
            .setEventId(requiredText(root, "eventId", eventId))
            .setEventType(requiredText(root, "eventType", eventId))
            .setSource(requiredText(root, "source", eventId))
            .setChannel(optionalText(root, "channel", eventId))
            .setOccurredAt(occurredAt(root.get("occurredAt"), eventId))
            .setIdentities(identities(root.get("identities"), eventId))
            .setEntityId(optionalText(root, "entityId", eventId))
            .setAttributes(attributes(root.get("attributes"), eventId))
            .build();
    EventRules.check(event);
    return event;
  }

  private static JsonNode tree(String json) throws InvalidEventException {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " (column " + at.getColumnNr() + ")";
      throw InvalidEventException.malformed("invalid JSON: " + e.getOriginalMessage() + where, e);
    }
    if (root == null || root.isMissingNode()) {
      throw InvalidEventException.malformed("invalid JSON: the input is empty", null);
    }
    if (!root.isObject()) {
      throw InvalidEventException.malformed(
          "not a JSON object: an event is {\"eventId\": ...}, got " + kind(root), null);
    }
    return root;
  }

  private static String unknownField(String name) {
    String message = "unknown field '" + name + "'";
    for (String known : FIELDS) {
      if (known.equalsIgnoreCase(name)) {
        return message + " (did you mean '" + known + "'?)";
      }
    }
    return message + " (an event has " + String.join(", ", FIELDS) + ")";
  }

  private static String requiredText(JsonNode root, String field, String eventId)
      throws InvalidEventException {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      throw new InvalidEventException(field, field + " is missing", eventId);
    }
    if (!node.isTextual() || node.asText().isBlank()) {
      throw new InvalidEventException(
          field, field + " must be a non-blank string, got " + kind(node), eventId);
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
      throw new InvalidEventException(
          field, field + " must be a string or null, got " + kind(node), eventId);
    }
    return node.asText();
  }

  private static Instant occurredAt(JsonNode node, String eventId) throws InvalidEventException {
    String field = "occurredAt";
    if (node == null || node.isNull()) {
      throw new InvalidEventException(field, "occurredAt is missing", eventId);
    }
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      return Instant.ofEpochMilli(node.longValue());
    }
    if (!node.isTextual()) {
      throw new InvalidEventException(
          field,
          "occurredAt must be an ISO-8601 instant string or integer epoch milliseconds, got "
              + kind(node),
          eventId);
    }
    try {
      // The contract is millisecond precision: finer digits are cut, as Avro would.
      return OffsetDateTime.parse(node.asText()).toInstant().truncatedTo(ChronoUnit.MILLIS);
    } catch (DateTimeException e) {
      throw new InvalidEventException(
          field,
          "occurredAt '" + node.asText() + "' is not an ISO-8601 instant with offset"
              + " (e.g. 2026-11-01T10:00:00Z or 2026-11-01T11:00:00+01:00)",
          eventId,
          e);
    }
  }

  private static Map<String, String> identities(JsonNode node, String eventId)
      throws InvalidEventException {
    if (node == null || node.isNull()) {
      throw new InvalidEventException("identities", "identities is missing", eventId);
    }
    if (!node.isObject()) {
      throw new InvalidEventException(
          "identities",
          "identities must be an object of identifier type -> value, got " + kind(node),
          eventId);
    }
    Map<String, String> out = new HashMap<>();
    for (Map.Entry<String, JsonNode> f : node.properties()) {
      String field = "identities." + f.getKey();
      if (!f.getValue().isTextual()) {
        throw new InvalidEventException(
            field, field + " must be a non-blank string, got " + kind(f.getValue()), eventId);
      }
      out.put(f.getKey(), f.getValue().asText());
    }
    // Emptiness and blank values: EventRules, shared with Avro input.
    return out;
  }

  private static Map<String, Object> attributes(JsonNode node, String eventId)
      throws InvalidEventException {
    Map<String, Object> out = new HashMap<>();
    if (node == null || node.isNull()) {
      return out;
    }
    if (!node.isObject()) {
      throw new InvalidEventException(
          "attributes", "attributes must be an object, got " + kind(node), eventId);
    }
    for (Map.Entry<String, JsonNode> f : node.properties()) {
      out.put(f.getKey(), attribute("attributes." + f.getKey(), f.getValue(), eventId));
    }
    return out;
  }

  private static Object attribute(String field, JsonNode v, String eventId)
      throws InvalidEventException {
    if (v.isNull()) {
      return null;
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isTextual()) {
      return v.asText();
    }
    if (v.isIntegralNumber()) {
      if (!v.canConvertToLong()) {
        throw new InvalidEventException(
            field, field + " " + v.asText() + " is out of the 64-bit integer range", eventId);
      }
      return v.longValue();
    }
    if (v.isNumber()) {
      double d = v.doubleValue();
      if (!Double.isFinite(d)) {
        throw new InvalidEventException(
            field, field + " " + v.asText() + " is out of the double range", eventId);
      }
      return d;
    }
    throw new InvalidEventException(
        field, field + " must be null, boolean, number or string, got " + kind(v), eventId);
  }

  private static String kind(JsonNode node) {
    return switch (node.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT, POJO -> "an object";
      case BOOLEAN -> "a boolean";
      case NUMBER -> "a number";
      case NULL -> "null";
      case STRING -> node.asText().isBlank() ? "a blank string" : "a string";
      default -> node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    };
  }
}
