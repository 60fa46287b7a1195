package io.journeyflow.connectors;

import io.journeyflow.schema.Action;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.DeadLetter;
import io.journeyflow.schema.Decision;
import io.journeyflow.schema.SuppressionSignal;
import io.journeyflow.schema.internal.ControlRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.types.Either;

/**
 * Flink type information of the contract records: Avro serializers (fast, and their state can
 * evolve with the schema), never Kryo.
 */
public final class ConnectorTypes {

  private ConnectorTypes() {}

  /**
   * Decoded input: Left is a dead letter, Right an event. A source decodes every record into
   * new objects and never touches them again, so the operators chained to it get them without a
   * copy ({@link UnchangedAvroTypeInfo}; the deep copies were a quarter of the source task).
   */
  public static TypeInformation<Either<DeadLetter, CustomerEvent>> decodedType() {
    return new EitherTypeInfo<>(
        new UnchangedAvroTypeInfo<>(DeadLetter.class),
        new UnchangedAvroTypeInfo<>(CustomerEvent.class));
  }

  /** Control input: Left is a dead letter (not text), Right a control record. */
  public static TypeInformation<Either<DeadLetter, ControlRecord>> controlType() {
    return new EitherTypeInfo<>(deadLetter(), avro(ControlRecord.class));
  }

  /** Avro type information of any generated record class. */
  public static <T extends SpecificRecordBase> TypeInformation<T> avro(Class<T> recordClass) {
    return new AvroTypeInfo<>(recordClass);
  }

  public static TypeInformation<CustomerEvent> customerEvent() {
    return avro(CustomerEvent.class);
  }

  public static TypeInformation<DeadLetter> deadLetter() {
    return avro(DeadLetter.class);
  }

  public static TypeInformation<Action> action() {
    return avro(Action.class);
  }

  public static TypeInformation<SuppressionSignal> suppressionSignal() {
    return avro(SuppressionSignal.class);
  }

  public static TypeInformation<Decision> decision() {
    return avro(Decision.class);
  }
}
