package io.journeyflow.jobs.operators;

import io.journeyflow.schema.OpenJourney;
import java.io.IOException;
import java.time.Instant;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.formats.avro.typeutils.AvroSerializerSnapshot;
import org.apache.flink.types.StringValue;

/**
 * An open journey as the decision operator keeps it in state: its fields in a fixed order,
 * without Avro's per-record reader and writer.
 *
 * <p>A customer's list of open journeys is read and written back on nearly every event of a
 * customer in a journey, and Avro's decoding of each record (its union and timestamp
 * conversions) was most of that cost. {@link OpenJourney} stays the Avro type the action
 * context carries; only its stored form is this one. Lists written with Avro's serializer as
 * the element serializer (savepoints of 2026-12-02 and before) are migrated on restore.
 */
public final class OpenJourneySerializer extends TypeSerializer<OpenJourney> {

  private static final long serialVersionUID = 1L;

  public static final OpenJourneySerializer INSTANCE = new OpenJourneySerializer();

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public TypeSerializer<OpenJourney> duplicate() {
    return this; // stateless
  }

  @Override
  public OpenJourney createInstance() {
    return new OpenJourney();
  }

  @Override
  public OpenJourney copy(OpenJourney j) {
    return new OpenJourney(j.getRuleId(), j.getJourney(), j.getStage(), j.getOpenedAt(),
        j.getLastEventAt(), j.getEntityId());
  }

  @Override
  public OpenJourney copy(OpenJourney from, OpenJourney reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(OpenJourney j, DataOutputView out) throws IOException {
    StringValue.writeString(j.getRuleId(), out);
    StringValue.writeString(j.getJourney(), out);
    StringValue.writeString(j.getStage(), out);
    out.writeLong(j.getOpenedAt().toEpochMilli());
    out.writeLong(j.getLastEventAt().toEpochMilli());
    StringValue.writeString(j.getEntityId(), out); // null is written as such
  }

  @Override
  public OpenJourney deserialize(DataInputView in) throws IOException {
    return new OpenJourney(StoredStrings.read(in), StoredStrings.read(in),
        StoredStrings.read(in), Instant.ofEpochMilli(in.readLong()),
        Instant.ofEpochMilli(in.readLong()), StoredStrings.read(in));
  }

  @Override
  public OpenJourney deserialize(OpenJourney reuse, DataInputView in) throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView in, DataOutputView out) throws IOException {
    serialize(deserialize(in), out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OpenJourneySerializer;
  }

  @Override
  public int hashCode() {
    return OpenJourneySerializer.class.hashCode();
  }

  @Override
  public TypeSerializerSnapshot<OpenJourney> snapshotConfiguration() {
    return new Snapshot();
  }

  /** No configuration of its own; migrates what Avro's serializer wrote. */
  public static final class Snapshot implements TypeSerializerSnapshot<OpenJourney> {

    @Override
    public int getCurrentVersion() {
      return 1;
    }

    @Override
    public void writeSnapshot(DataOutputView out) {}

    @Override
    public void readSnapshot(int readVersion, DataInputView in, ClassLoader loader) {}

    @Override
    public TypeSerializer<OpenJourney> restoreSerializer() {
      return INSTANCE;
    }

    @Override
    public TypeSerializerSchemaCompatibility<OpenJourney> resolveSchemaCompatibility(
        TypeSerializerSnapshot<OpenJourney> old) {
      if (old instanceof Snapshot) {
        return TypeSerializerSchemaCompatibility.compatibleAsIs();
      }
      return old instanceof AvroSerializerSnapshot
          ? TypeSerializerSchemaCompatibility.compatibleAfterMigration()
          : TypeSerializerSchemaCompatibility.incompatible();
    }
  }
}
