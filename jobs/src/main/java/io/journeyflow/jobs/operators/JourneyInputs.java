package io.journeyflow.jobs.operators;

import io.journeyflow.connectors.UnchangedAvroTypeInfo;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.internal.RuleMatch;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.types.Either;

/**
 * The one keyed input of {@link JourneyFunction}: a customer's events (Left) and rule matches
 * (Right) in one stream, so that the function can also take broadcast policy updates.
 */
public final class JourneyInputs {

  private JourneyInputs() {}

  /**
   * Events and matches as their emitters leave them (never changed after), written with the
   * compiled writer: on the network edge into the decision operator, and in its heap buffer.
   */
  public static TypeInformation<Either<CustomerEvent, RuleMatch>> type() {
    return new EitherTypeInfo<>(new UnchangedAvroTypeInfo<>(CustomerEvent.class),
        new UnchangedAvroTypeInfo<>(RuleMatch.class));
  }

  /** Wraps an event. */
  public static final class OfEvent
      implements MapFunction<CustomerEvent, Either<CustomerEvent, RuleMatch>> {
    @Override
    public Either<CustomerEvent, RuleMatch> map(CustomerEvent event) {
      return Either.Left(event);
    }
  }

  /** Wraps a match. */
  public static final class OfMatch
      implements MapFunction<RuleMatch, Either<CustomerEvent, RuleMatch>> {
    @Override
    public Either<CustomerEvent, RuleMatch> map(RuleMatch match) {
      return Either.Right(match);
    }
  }

  /** The customer of an input: the event's key, or the customer the match was found for. */
  public static final class Customer
      implements KeySelector<Either<CustomerEvent, RuleMatch>, String> {

    private final CustomerKeys keys;

    public Customer(CustomerKeys keys) {
      this.keys = keys;
    }

    @Override
    public String getKey(Either<CustomerEvent, RuleMatch> input) {
      return input.isLeft() ? keys.getKey(input.left()) : input.right().getCustomerId();
    }
  }
}
