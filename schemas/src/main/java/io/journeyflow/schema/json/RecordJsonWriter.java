package io.journeyflow.schema.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;

/** Writes any Avro record as one line of JSON, driven by its schema. */
final class RecordJsonWriter {

  private static final JsonFactory FACTORY = JsonFactory.builder().build();

  private RecordJsonWriter() {}

  static String write(IndexedRecord record) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      value(g, record, record.getSchema(), record.getSchema().getName());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + record.getSchema().getName(), e);
    }
    return out.toString();
  }

  /** Formats an instant as ISO-8601 UTC with millisecond precision (digits only if non-zero). */
  static String instant(Instant instant) {
    return instant.truncatedTo(ChronoUnit.MILLIS).toString();
  }

  private static void value(JsonGenerator g, Object value, Schema schema, String path)
      throws IOException {
    if (value == null) {
      if (schema.getType() != Schema.Type.NULL && !schema.isNullable()) {
        // Avro itself would refuse to encode this record; say where the hole is.
        throw new IllegalArgumentException(path + " is null but its schema does not allow null");
      }
      g.writeNull();
      return;
    }
    switch (schema.getType()) {
      case RECORD -> {
        IndexedRecord record = (IndexedRecord) value;
        g.writeStartObject();
        for (Schema.Field field : schema.getFields()) {
          if (record.get(field.pos()) == null && EventJsonReader.JOB_FIELDS.contains(field.name())
              && schema.getName().equals("CustomerEvent")) {
            continue; // set by the job only: an event's JSON form has it only when it is set
          }
          g.writeFieldName(field.name());
          value(g, record.get(field.pos()), field.schema(), path + "." + field.name());
        }
        g.writeEndObject();
      }
      case UNION -> value(g, value, branch(value, schema, path), path);
      case ARRAY -> {
        g.writeStartArray();
        int i = 0;
        for (Object item : (Collection<?>) value) {
          value(g, item, schema.getElementType(), path + "[" + i++ + "]");
        }
        g.writeEndArray();
      }
      case MAP -> {
        // Sorted keys: the same record always gives the same line, whatever map it holds.
        Map<String, Object> sorted = new TreeMap<>();
        ((Map<?, ?>) value).forEach((k, v) -> sorted.put(k.toString(), v));
        g.writeStartObject();
        for (Map.Entry<String, Object> e : sorted.entrySet()) {
          g.writeFieldName(e.getKey());
          value(g, e.getValue(), schema.getValueType(), path + "." + e.getKey());
        }
        g.writeEndObject();
      }
      case LONG -> {
        Instant instant = timestamp(value, schema.getLogicalType());
        if (instant != null) {
          g.writeString(instant(instant));
        } else {
          g.writeNumber(((Number) value).longValue());
        }
      }
      case INT -> g.writeNumber(((Number) value).intValue());
      case DOUBLE -> g.writeNumber(((Number) value).doubleValue());
      case FLOAT -> g.writeNumber(((Number) value).floatValue());
      case BOOLEAN -> g.writeBoolean((Boolean) value);
      case BYTES -> g.writeString(base64((ByteBuffer) value));
      case FIXED -> g.writeString(base64(ByteBuffer.wrap(((GenericFixed) value).bytes())));
      default -> g.writeString(value.toString()); // STRING, ENUM
    }
  }

  private static Instant timestamp(Object value, LogicalType logical) {
    if (value instanceof Instant instant) {
      return instant;
    }
    // Generic records carry timestamps as plain longs.
    if (logical instanceof LogicalTypes.TimestampMillis) {
      return Instant.ofEpochMilli((Long) value);
    }
    return null;
  }

  private static String base64(ByteBuffer buffer) {
    // duplicate(): reading must not move the record's own buffer position.
    ByteBuffer copy = buffer.duplicate();
    byte[] bytes = new byte[copy.remaining()];
    copy.get(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }

  private static Schema branch(Object value, Schema union, String path) {
    for (Schema s : union.getTypes()) {
      if (matches(value, s)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        path + ": no branch of " + union + " for a " + value.getClass().getName());
  }

  private static boolean matches(Object value, Schema s) {
    return switch (s.getType()) {
      case NULL -> false;
      case STRING -> value instanceof CharSequence;
      case BOOLEAN -> value instanceof Boolean;
      case LONG -> value instanceof Long
          || (value instanceof Instant
              && s.getLogicalType() instanceof LogicalTypes.TimestampMillis);
      case INT -> value instanceof Integer;
      case DOUBLE -> value instanceof Double;
      case FLOAT -> value instanceof Float;
      case BYTES -> value instanceof ByteBuffer;
      case FIXED, RECORD, ENUM -> value instanceof GenericContainer c
          && c.getSchema().getFullName().equals(s.getFullName());
      case ARRAY -> value instanceof Collection;
      case MAP -> value instanceof Map;
      default -> false;
    };
  }
}
