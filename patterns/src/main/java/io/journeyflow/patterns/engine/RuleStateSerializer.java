package io.journeyflow.patterns.engine;

import io.journeyflow.schema.CustomerEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.common.typeutils.CompositeTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink state serializer of a {@link RuleState}: the matches' shape in a few bytes, each event
 * through the given event serializer (the job passes Flink's Avro serializer, so events in
 * state follow the event schema's evolution like every other event in state).
 *
 * <p>Format 3 (snapshot version 3) stores each list in one piece of known length, each
 * partial match as an entry of known length with its start and last event ids, each event with
 * its length; so a state is read in one copy, and each partial match is a view of its bytes
 * that decodes its ids ({@link StoredId}) and events ({@link StoredEvent}) only when they are
 * looked at, and is written back as the same bytes unless it changed ({@link PartialMatch}).
 * Formats 1 (no lengths, no ids) and 2 (ids in modified UTF-8, entries without lengths) are
 * still read: a savepoint taken with them is migrated when restored.
 */
public final class RuleStateSerializer extends TypeSerializer<RuleState> {

  private static final long serialVersionUID = 1L;

  /** The format this serializer writes. */
  static final int FORMAT = 3;

  private final TypeSerializer<CustomerEvent> events;
  /** The format read: older ones only by a serializer restored from an older snapshot. */
  private final int format;
  /** Encoding buffers: a list's entries, and a new event. */
  private transient DataOutputSerializer buffer;
  private transient DataOutputSerializer scratch;

  public RuleStateSerializer(TypeSerializer<CustomerEvent> events) {
    this(events, FORMAT);
  }

  RuleStateSerializer(TypeSerializer<CustomerEvent> events, int format) {
    this.events = events;
    this.format = format;
  }

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public TypeSerializer<RuleState> duplicate() {
    // Not shareable: the encoding buffer, and the events decoded later with this serializer.
    return new RuleStateSerializer(events.duplicate(), format);
  }

  @Override
  public RuleState createInstance() {
    return new RuleState();
  }

  @Override
  public RuleState copy(RuleState from) {
    RuleState to = new RuleState();
    // Partial matches are immutable once built; only the lists change.
    to.partials = new ArrayList<>(from.partials);
    to.completed = new ArrayList<>(from.completed);
    return to;
  }

  @Override
  public RuleState copy(RuleState from, RuleState reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(RuleState state, DataOutputView out) throws IOException {
    writeList(state.partials, out);
    writeList(state.completed, out);
  }

  private void writeList(List<PartialMatch> list, DataOutputView out) throws IOException {
    if (format != FORMAT) {
      throw new IllegalStateException("format " + format + " of fast rule states is only read");
    }
    buffers();
    // The list's size, its length in bytes, each entry after its length: read in one piece,
    // and each entry read back untouched is written as the same bytes.
    buffer.clear();
    for (PartialMatch p : list) {
      int at = buffer.length();
      buffer.writeInt(0);
      p.write(buffer, events, scratch);
      Bytes.putInt(buffer.getSharedBuffer(), at, buffer.length() - at - 4);
    }
    out.writeInt(list.size());
    out.writeInt(buffer.length());
    out.write(buffer.getSharedBuffer(), 0, buffer.length());
  }

  /**
   * The stored entry of the partial match {@code event} starts at {@code timestamp} (for an
   * event the rule {@link FastRule#onlyStarts only starts with}), to keep beside the state until
   * {@link #fold} adds it.
   */
  public byte[] startEntry(CustomerEvent event, long timestamp) throws IOException {
    buffers();
    buffer.clear();
    PartialMatch.start(event, timestamp).write(buffer, events, scratch);
    return buffer.getCopyOfBuffer();
  }

  private void buffers() {
    if (buffer == null) {
      buffer = new DataOutputSerializer(1024);
      scratch = new DataOutputSerializer(256);
    }
  }

  /** Adds the partial matches of {@link #startEntry}, in the order they started. */
  public void fold(RuleState state, List<byte[]> entries) {
    List<PartialMatch> partials = new ArrayList<>(state.partials.size() + entries.size());
    partials.addAll(state.partials);
    for (byte[] entry : entries) {
      partials.add(PartialMatch.stored(entry, 0, entry.length, events));
    }
    state.partials = partials;
    state.changes++;
  }

  @Override
  public RuleState deserialize(DataInputView in) throws IOException {
    RuleState state = new RuleState();
    state.partials = readList(in);
    state.completed = readList(in);
    return state;
  }

  private List<PartialMatch> readList(DataInputView in) throws IOException {
    int n = in.readInt();
    List<PartialMatch> list = new ArrayList<>(n);
    if (format == FORMAT) {
      byte[] raw = new byte[in.readInt()];
      in.readFully(raw);
      for (int i = 0, at = 0; i < n; i++) {
        int length = Bytes.getInt(raw, at);
        list.add(PartialMatch.stored(raw, at + 4, length, events));
        at += 4 + length;
      }
      return list;
    }
    for (int i = 0; i < n; i++) {
      long startTs = in.readLong();
      long lastTs = in.readLong();
      boolean fresh = in.readBoolean();
      if (format == 1) {
        int count = in.readInt();
        List<StoredEvent> taken = new ArrayList<>(count + 1);
        for (int k = 0; k < count; k++) {
          taken.add(StoredEvent.of(events.deserialize(in)));
        }
        list.add(PartialMatch.restore(taken, startTs,
            StoredId.of(taken.get(0).get().getEventId()), lastTs,
            StoredId.of(taken.get(count - 1).get().getEventId()), fresh));
        continue;
      }
      StoredId startId = StoredId.of(in.readUTF());
      StoredId lastId = StoredId.of(in.readUTF());
      int count = in.readInt();
      List<StoredEvent> taken = new ArrayList<>(count + 1);
      for (int k = 0; k < count; k++) {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        taken.add(StoredEvent.slice(bytes, 0, bytes.length, events));
      }
      list.add(PartialMatch.restore(taken, startTs, startId, lastTs, lastId, fresh));
    }
    return list;
  }

  @Override
  public RuleState deserialize(RuleState reuse, DataInputView in) throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView in, DataOutputView out) throws IOException {
    serialize(deserialize(in), out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RuleStateSerializer other && events.equals(other.events)
        && format == other.format;
  }

  @Override
  public int hashCode() {
    return Objects.hash(RuleStateSerializer.class, events, format);
  }

  @Override
  public TypeSerializerSnapshot<RuleState> snapshotConfiguration() {
    return new Snapshot(this);
  }

  /** Restores with the event serializer's own snapshot, so event schema changes migrate. */
  public static final class Snapshot
      extends CompositeTypeSerializerSnapshot<RuleState, RuleStateSerializer> {

    /** The format of the states written with the serializer this snapshot was taken of. */
    private int format = FORMAT;

    public Snapshot() {}

    Snapshot(RuleStateSerializer serializer) {
      super(serializer);
    }

    @Override
    protected int getCurrentOuterSnapshotVersion() {
      return FORMAT;
    }

    @Override
    protected void readOuterSnapshot(int version, DataInputView in, ClassLoader loader) {
      format = version; // snapshot version n was written by the format-n serializer
    }

    @Override
    protected OuterSchemaCompatibility resolveOuterSchemaCompatibility(
        TypeSerializerSnapshot<RuleState> old) {
      return old instanceof Snapshot s && s.format < FORMAT
          ? OuterSchemaCompatibility.COMPATIBLE_AFTER_MIGRATION
          : OuterSchemaCompatibility.COMPATIBLE_AS_IS;
    }

    @Override
    protected TypeSerializer<?>[] getNestedSerializers(RuleStateSerializer outer) {
      return new TypeSerializer<?>[] {outer.events};
    }

    @Override
    @SuppressWarnings("unchecked")
    protected RuleStateSerializer createOuterSerializerWithNestedSerializers(
        TypeSerializer<?>[] nested) {
      return new RuleStateSerializer((TypeSerializer<CustomerEvent>) nested[0], format);
    }
  }
}
