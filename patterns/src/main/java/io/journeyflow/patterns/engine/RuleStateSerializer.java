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
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink state serializer of a {@link RuleState}: the matches' shape in a few bytes, each event
 * through the given event serializer (the job passes Flink's Avro serializer, so events in
 * state follow the event schema's evolution like every other event in state).
 */
public final class RuleStateSerializer extends TypeSerializer<RuleState> {

  private static final long serialVersionUID = 1L;

  private final TypeSerializer<CustomerEvent> events;

  public RuleStateSerializer(TypeSerializer<CustomerEvent> events) {
    this.events = events;
  }

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public TypeSerializer<RuleState> duplicate() {
    TypeSerializer<CustomerEvent> copy = events.duplicate();
    return copy == events ? this : new RuleStateSerializer(copy);
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
    out.writeInt(list.size());
    for (PartialMatch p : list) {
      out.writeLong(p.startTs);
      out.writeLong(p.lastTs);
      out.writeBoolean(p.fresh);
      out.writeInt(p.events.size());
      for (CustomerEvent e : p.events) {
        events.serialize(e, out);
      }
    }
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
    for (int i = 0; i < n; i++) {
      long startTs = in.readLong();
      long lastTs = in.readLong();
      boolean fresh = in.readBoolean();
      int count = in.readInt();
      List<CustomerEvent> taken = new ArrayList<>(count + 1);
      for (int k = 0; k < count; k++) {
        taken.add(events.deserialize(in));
      }
      list.add(PartialMatch.restore(taken, startTs, lastTs, fresh));
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
    return o instanceof RuleStateSerializer other && events.equals(other.events);
  }

  @Override
  public int hashCode() {
    return Objects.hash(RuleStateSerializer.class, events);
  }

  @Override
  public TypeSerializerSnapshot<RuleState> snapshotConfiguration() {
    return new Snapshot(this);
  }

  /** Restores with the event serializer's own snapshot, so event schema changes migrate. */
  public static final class Snapshot
      extends CompositeTypeSerializerSnapshot<RuleState, RuleStateSerializer> {

    public Snapshot() {}

    Snapshot(RuleStateSerializer serializer) {
      super(serializer);
    }

    @Override
    protected int getCurrentOuterSnapshotVersion() {
      return 1;
    }

    @Override
    protected TypeSerializer<?>[] getNestedSerializers(RuleStateSerializer outer) {
      return new TypeSerializer<?>[] {outer.events};
    }

    @Override
    @SuppressWarnings("unchecked")
    protected RuleStateSerializer createOuterSerializerWithNestedSerializers(
        TypeSerializer<?>[] nested) {
      return new RuleStateSerializer((TypeSerializer<CustomerEvent>) nested[0]);
    }
  }
}
