package io.journeyflow.jobs.operators;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;

/**
 * Avro records of a stream that no operator changes once it emitted or received them: chained
 * operators get the record itself instead of a deep copy.
 *
 * <p>Flink copies every record passed between chained operators while object reuse is off, so
 * that a consumer that keeps or changes a record cannot affect the one that emitted it. Object
 * reuse stays off for the job (it would also hand operators reused deserialized records, which
 * the heap state backend would keep by reference); this type drops the copy only on the edges
 * whose records are never changed after they are emitted: events after ingest, rule matches,
 * and the actions, decisions and suppression signals on their way to the sinks. The copies were
 * 10% of the rule task and 6% of the decision task (docs/performance.md). Records are serialized
 * as by {@link AvroTypeInfo}; only the copy differs.
 */
public final class UnchangedAvroTypeInfo<T extends SpecificRecordBase> extends AvroTypeInfo<T> {

  private static final long serialVersionUID = 1L;

  public UnchangedAvroTypeInfo(Class<T> typeClass) {
    super(typeClass);
  }

  @Override
  public TypeSerializer<T> createSerializer(SerializerConfig config) {
    return new Serializer<>(getTypeClass());
  }

  /** Avro's serializer whose copy is the record itself. */
  static final class Serializer<T> extends AvroSerializer<T> {

    private static final long serialVersionUID = 1L;

    Serializer(Class<T> type) {
      super(type);
    }

    @Override
    public T copy(T from) {
      return from;
    }

    @Override
    public T copy(T from, T reuse) {
      return from;
    }

    @Override
    public TypeSerializer<T> duplicate() {
      return new Serializer<>(getType());
    }

    @Override
    public boolean equals(Object obj) {
      return obj instanceof Serializer<?> that && that.getType() == getType();
    }

    @Override
    public int hashCode() {
      return 43 + getType().hashCode();
    }
  }
}
