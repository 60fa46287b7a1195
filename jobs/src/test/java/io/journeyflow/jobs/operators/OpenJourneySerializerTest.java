package io.journeyflow.jobs.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyflow.schema.OpenJourney;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeutils.base.ListSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;
import org.junit.jupiter.api.Test;

class OpenJourneySerializerTest {

  private static final ListSerializer<OpenJourney> LIST =
      new ListSerializer<>(OpenJourneySerializer.INSTANCE);

  private final List<OpenJourney> journeys = List.of(
      new OpenJourney("promo", "commerce", "viewed", Instant.ofEpochMilli(5),
          Instant.ofEpochMilli(6), "cart-1"),
      new OpenJourney("issue", "support", "opened", Instant.ofEpochMilli(7),
          Instant.ofEpochMilli(7), null),
      new OpenJourney("ünïcode ✓", "j", "", Instant.ofEpochMilli(-1),
          Instant.ofEpochMilli(253_402_300_799_999L), ""));

  @Test
  void writesAndReadsEveryField() throws Exception {
    assertThat(roundTrip(journeys)).isEqualTo(journeys);
    assertThat(roundTrip(List.of())).isEmpty();
  }

  @Test
  void copiesAreIndependent() {
    List<OpenJourney> copy = LIST.copy(new ArrayList<>(journeys));
    assertThat(copy).isEqualTo(journeys);
    copy.get(0).setStage("bought");
    assertThat(journeys.get(0).getStage()).isEqualTo("viewed");
  }

  @Test
  void whatAvroWroteIsMigratedAndItsOwnFormReadAsIs() {
    var avro = new AvroSerializer<>(OpenJourney.class).snapshotConfiguration();
    var own = OpenJourneySerializer.INSTANCE.snapshotConfiguration();
    assertThat(own.resolveSchemaCompatibility(avro).isCompatibleAfterMigration()).isTrue();
    assertThat(own.resolveSchemaCompatibility(own).isCompatibleAsIs()).isTrue();
    assertThat(own.restoreSerializer()).isSameAs(OpenJourneySerializer.INSTANCE);
  }

  private static List<OpenJourney> roundTrip(List<OpenJourney> journeys) throws Exception {
    DataOutputSerializer out = new DataOutputSerializer(16);
    LIST.serialize(journeys, out);
    return LIST.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
  }
}
