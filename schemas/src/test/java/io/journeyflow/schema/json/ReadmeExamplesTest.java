package io.journeyflow.schema.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.journeyflow.schema.Action;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.DeadLetter;
import io.journeyflow.schema.Decision;
import io.journeyflow.schema.OpenSuppression;
import io.journeyflow.schema.SuppressionSignal;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every JSON example line in the module README is exactly what {@link ContractJson#toJson}
 * writes for some contract record, so the documentation cannot drift from the schemas.
 */
class ReadmeExamplesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final List<Schema> RECORDS =
      List.of(
          CustomerEvent.getClassSchema(),
          Action.getClassSchema(),
          OpenSuppression.getClassSchema(),
          SuppressionSignal.getClassSchema(),
          Decision.getClassSchema(),
          DeadLetter.getClassSchema());

  static Stream<String> examples() throws Exception {
    List<String> lines = new ArrayList<>();
    boolean inJson = false;
    for (String line : Files.readAllLines(Path.of("README.md"))) {
      if (line.startsWith("```")) {
        inJson = line.equals("```json");
      } else if (inJson && !line.isBlank()) {
        lines.add(line);
      }
    }
    assertThat(lines).as("JSON examples in README.md").hasSizeGreaterThanOrEqualTo(RECORDS.size());
    return lines.stream();
  }

  @ParameterizedTest
  @MethodSource("examples")
  void isTheExactJsonLinesFormOfAContractRecord(String line) throws Exception {
    JsonNode node = JSON.readTree(line);
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    Schema schema =
        RECORDS.stream()
            .filter(s -> s.getFields().stream().map(Schema.Field::name)
                // the job's own field of an event is not part of its JSON form unless set
                .filter(f -> !isUnsetJobField(s, f, node))
                .toList().equals(names))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no record has exactly the fields " + names));
    IndexedRecord record = (IndexedRecord) value(node, schema);
    assertThat(ContractJson.toJson(record)).isEqualTo(line);
    if (record instanceof CustomerEvent event) {
      assertThat(ContractJson.parseEvent(line)).isEqualTo(event);
    }
  }

  /** The job's own fields of an event are not part of its JSON form unless they are set. */
  private static boolean isUnsetJobField(Schema schema, String field, JsonNode node) {
    return schema.getName().equals("CustomerEvent") && EventJsonReader.JOB_FIELDS.contains(field)
        && !node.has(field);
  }

  /** The Java value of {@code node} under {@code schema}, as the generated classes hold it. */
  private static Object value(JsonNode node, Schema schema) {
    switch (schema.getType()) {
      case RECORD -> {
        IndexedRecord r = (IndexedRecord) SpecificData.get().newRecord(null, schema);
        int expected = 0;
        for (Schema.Field f : schema.getFields()) {
          if (isUnsetJobField(schema, f.name(), node)) {
            continue;
          }
          assertThat(node.has(f.name())).as("%s has %s", schema.getName(), f.name()).isTrue();
          r.put(f.pos(), value(node.get(f.name()), f.schema()));
          expected++;
        }
        assertThat(node.size()).as("%s has no other fields", schema.getName())
            .isEqualTo(expected);
        return r;
      }
      case UNION -> {
        if (node.isNull()) {
          assertThat(schema.isNullable()).isTrue();
          return null;
        }
        for (Schema branch : schema.getTypes()) {
          if (fits(node, branch)) {
            return value(node, branch);
          }
        }
        throw new AssertionError(node + " fits no branch of " + schema);
      }
      case ARRAY -> {
        List<Object> list = new ArrayList<>();
        node.forEach(item -> list.add(value(item, schema.getElementType())));
        return list;
      }
      case MAP -> {
        Map<String, Object> map = new HashMap<>();
        node.fields().forEachRemaining(e -> map.put(e.getKey(),
            value(e.getValue(), schema.getValueType())));
        return map;
      }
      case LONG -> {
        if (schema.getLogicalType() instanceof LogicalTypes.TimestampMillis) {
          return Instant.parse(node.textValue());
        }
        assertThat(node.isIntegralNumber()).as("%s is a long", node).isTrue();
        return node.longValue();
      }
      case INT -> {
        assertThat(node.isInt()).as("%s is an int", node).isTrue();
        return node.intValue();
      }
      case DOUBLE -> {
        return node.doubleValue();
      }
      case BOOLEAN -> {
        return node.booleanValue();
      }
      case BYTES -> {
        return ByteBuffer.wrap(Base64.getDecoder().decode(node.textValue()));
      }
      case ENUM -> {
        assertThat(schema.getEnumSymbols()).contains(node.textValue());
        return SpecificData.get().createEnum(node.textValue(), schema);
      }
      case STRING -> {
        assertThat(node.isTextual()).as("%s is a string", node).isTrue();
        return node.textValue();
      }
      default -> throw new AssertionError("unexpected type " + schema);
    }
  }

  private static boolean fits(JsonNode node, Schema branch) {
    return switch (branch.getType()) {
      case STRING, ENUM, BYTES -> node.isTextual();
      case LONG -> branch.getLogicalType() != null ? node.isTextual() : node.isIntegralNumber();
      case INT -> node.isInt();
      case DOUBLE, FLOAT -> node.isFloatingPointNumber();
      case BOOLEAN -> node.isBoolean();
      case RECORD, MAP -> node.isObject();
      case ARRAY -> node.isArray();
      default -> false;
    };
  }
}
