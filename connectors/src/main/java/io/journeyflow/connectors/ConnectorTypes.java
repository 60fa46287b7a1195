package io.journeyflow.connectors;

import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.DeadLetter;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.types.Either;

/** Flink type information of what the connectors produce: Avro serializers, never Kryo. */
public final class ConnectorTypes {

  private ConnectorTypes() {}

  /** Decoded input: Left is a dead letter, Right an event. */
  public static TypeInformation<Either<DeadLetter, CustomerEvent>> decodedType() {
    return new EitherTypeInfo<>(
        new AvroTypeInfo<>(DeadLetter.class), new AvroTypeInfo<>(CustomerEvent.class));
  }
}
