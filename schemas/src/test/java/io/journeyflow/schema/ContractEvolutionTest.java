package io.journeyflow.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyflow.schema.internal.CustomerProfile;
import io.journeyflow.schema.internal.RuleMatch;
import io.journeyflow.schema.internal.SendRecord;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The schemas stay compatible both ways with the last published contract (a copy in
 * src/test/resources/contract-baseline): new readers read old records and old readers read new
 * ones. Records on topics and in job state depend on it. Refresh the copy when releasing.
 */
class ContractEvolutionTest {

  /** Baseline files in dependency order: later ones refer to types named by earlier ones. */
  private static final List<String> BASELINE =
      List.of(
          "CustomerEvent.avsc",
          "OpenSuppression.avsc",
          "Action.avsc",
          "SuppressionSignal.avsc",
          "DeadLetter.avsc",
          "Decision.avsc",
          "internal/RuleMatch.avsc",
          "internal/CustomerProfile.avsc",
          "internal/SendRecord.avsc");

  private static final Map<String, Schema> CURRENT =
      Map.of(
          "io.journeyflow.schema.CustomerEvent", CustomerEvent.getClassSchema(),
          "io.journeyflow.schema.Action", Action.getClassSchema(),
          "io.journeyflow.schema.SuppressionSignal", SuppressionSignal.getClassSchema(),
          "io.journeyflow.schema.DeadLetter", DeadLetter.getClassSchema(),
          "io.journeyflow.schema.OpenSuppression", OpenSuppression.getClassSchema(),
          "io.journeyflow.schema.Decision", Decision.getClassSchema(),
          "io.journeyflow.schema.internal.RuleMatch", RuleMatch.getClassSchema(),
          "io.journeyflow.schema.internal.CustomerProfile", CustomerProfile.getClassSchema(),
          "io.journeyflow.schema.internal.SendRecord", SendRecord.getClassSchema());

  static Stream<Schema> baseline() throws IOException {
    Schema.Parser parser = new Schema.Parser();
    Stream.Builder<Schema> schemas = Stream.builder();
    for (String file : BASELINE) {
      try (InputStream in =
          ContractEvolutionTest.class.getResourceAsStream("/contract-baseline/" + file)) {
        schemas.add(parser.parse(in));
      }
    }
    return schemas.build();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("baseline")
  void currentSchemaReadsOldRecordsAndOldSchemaReadsNewOnes(Schema old) {
    Schema current = CURRENT.get(old.getFullName());
    assertThat(current).as("a published record must not disappear: " + old.getFullName())
        .isNotNull();
    assertThat(SchemaCompatibility.checkReaderWriterCompatibility(current, old))
        .as("new reader, old writer of %s", old.getFullName())
        .extracting(c -> c.getType())
        .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    assertThat(SchemaCompatibility.checkReaderWriterCompatibility(old, current))
        .as("old reader, new writer of %s", old.getFullName())
        .extracting(c -> c.getType())
        .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
  }
}
