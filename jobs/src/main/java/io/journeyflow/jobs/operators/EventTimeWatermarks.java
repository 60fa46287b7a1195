package io.journeyflow.jobs.operators;

import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.DeadLetter;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.types.Either;

/**
 * Bounded out-of-orderness watermarks over decoded input that only event time moves: a dead
 * letter carries no event time, and letting its Kafka timestamp advance the watermark would make
 * every historical event after it late.
 */
public final class EventTimeWatermarks
    implements WatermarkGenerator<Either<DeadLetter, CustomerEvent>> {

  private final long outOfOrdernessMillis;
  private long maxTimestamp;

  EventTimeWatermarks(Duration outOfOrderness) {
    this.outOfOrdernessMillis = outOfOrderness.toMillis();
    this.maxTimestamp = Long.MIN_VALUE + outOfOrdernessMillis + 1;
  }

  /** The job's strategy: per-split watermarks in the source, with idleness. */
  public static WatermarkStrategy<Either<DeadLetter, CustomerEvent>> strategy(
      Duration outOfOrderness, Duration idleness) {
    WatermarkStrategy<Either<DeadLetter, CustomerEvent>> strategy =
        WatermarkStrategy.<Either<DeadLetter, CustomerEvent>>forGenerator(
                ctx -> new EventTimeWatermarks(outOfOrderness))
            .withTimestampAssigner(new EventTimestamps());
    return idleness.isZero() ? strategy : strategy.withIdleness(idleness);
  }

  @Override
  public void onEvent(
      Either<DeadLetter, CustomerEvent> record, long timestamp, WatermarkOutput output) {
    if (record.isRight()) {
      maxTimestamp = Math.max(maxTimestamp, timestamp);
    }
  }

  @Override
  public void onPeriodicEmit(WatermarkOutput output) {
    output.emitWatermark(new Watermark(maxTimestamp - outOfOrdernessMillis - 1));
  }

  /** Event time of an event; a dead letter keeps the record's own timestamp. */
  static final class EventTimestamps
      implements SerializableTimestampAssigner<Either<DeadLetter, CustomerEvent>> {
    @Override
    public long extractTimestamp(Either<DeadLetter, CustomerEvent> record, long recordTs) {
      return record.isRight() ? record.right().getOccurredAt().toEpochMilli() : recordTs;
    }
  }
}
