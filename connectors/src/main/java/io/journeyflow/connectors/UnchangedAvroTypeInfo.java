package io.journeyflow.connectors;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;

/**
 * Avro records that no operator holds or changes once another has them: chained operators get
 * the record itself instead of a deep copy, and records are written by a compiled writer.
 *
 * <p>Flink copies every record passed between chained operators while object reuse is off, so
 * that a consumer that keeps or changes a record cannot affect the one that emitted it. Object
 * reuse stays off for the job (it would also hand operators reused deserialized records, which
 * the heap state backend would keep by reference); this type drops the copy only on the edges
 * whose records nobody else holds once emitted: decoded input leaving its source (which keeps
 * no reference; its one consumer may clear fields), events after ingest, rule matches, and the
 * actions, decisions and suppression signals on their way to the sinks. The copies were 10% of
 * the rule task, 6% of the decision task and a quarter of the source task
 * (docs/performance.md). Records are serialized to the bytes {@link AvroTypeInfo}'s serializer
 * writes (so state and savepoints do not change), only faster; they are read as Avro reads them.
 */
public final class UnchangedAvroTypeInfo<T extends SpecificRecordBase>
    extends CompiledAvroTypeInfo<T> {

  private static final long serialVersionUID = 1L;

  public UnchangedAvroTypeInfo(Class<T> typeClass) {
    super(typeClass);
  }

  @Override
  public TypeSerializer<T> createSerializer(SerializerConfig config) {
    return new CompiledAvroSerializer<>(getTypeClass(), false);
  }
}
