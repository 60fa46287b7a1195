package io.journeyflow.connectors;

import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.DeadLetter;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;

/** Splits decoded input into its two sides, as a job does before its own logic. */
final class Split {

  private Split() {}

  /** The events (Right). */
  static final class Events
      implements FlatMapFunction<Either<DeadLetter, CustomerEvent>, CustomerEvent> {
    @Override
    public void flatMap(Either<DeadLetter, CustomerEvent> in, Collector<CustomerEvent> out) {
      if (in.isRight()) {
        out.collect(in.right());
      }
    }
  }

  /** The dead letters (Left). */
  static final class DeadLetters
      implements FlatMapFunction<Either<DeadLetter, CustomerEvent>, DeadLetter> {
    @Override
    public void flatMap(Either<DeadLetter, CustomerEvent> in, Collector<DeadLetter> out) {
      if (in.isLeft()) {
        out.collect(in.left());
      }
    }
  }
}
