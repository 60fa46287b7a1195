package io.journeyflow.jobs.tools;

import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.DeadLetter;
import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.types.Either;

/** Keeps events whose event time is in [from, to); dead letters always pass. */
public final class EventTimeRange implements FilterFunction<Either<DeadLetter, CustomerEvent>> {

  private final long from;
  private final long to;

  public EventTimeRange(long from, long to) {
    this.from = from;
    this.to = to;
  }

  @Override
  public boolean filter(Either<DeadLetter, CustomerEvent> record) {
    if (record.isLeft()) {
      return true;
    }
    long t = record.right().getOccurredAt().toEpochMilli();
    return t >= from && t < to;
  }
}
