package io.journeyflow.connectors;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;

/**
 * Avro type information whose serializer writes with a compiled writer ({@link
 * CompiledAvroSerializer}): the same bytes and serializer snapshot as {@link AvroTypeInfo}'s, so
 * state written by either is read by both, and savepoints do not change.
 */
public class CompiledAvroTypeInfo<T extends SpecificRecordBase> extends AvroTypeInfo<T> {

  private static final long serialVersionUID = 1L;

  public CompiledAvroTypeInfo(Class<T> typeClass) {
    super(typeClass);
  }

  @Override
  public TypeSerializer<T> createSerializer(SerializerConfig config) {
    return serializer(getTypeClass());
  }

  /** The (copying) serializer, for serializers composed of others. */
  public static <T extends SpecificRecordBase> TypeSerializer<T> serializer(Class<T> type) {
    return new CompiledAvroSerializer<>(type, true);
  }
}
