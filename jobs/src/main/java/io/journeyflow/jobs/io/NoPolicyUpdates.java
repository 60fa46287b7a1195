package io.journeyflow.jobs.io;

import io.journeyflow.connectors.ConnectorTypes;
import io.journeyflow.jobs.Uids;
import io.journeyflow.schema.DeadLetter;
import io.journeyflow.schema.internal.ControlRecord;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;

/**
 * The policy-update input of a job without a control topic (replay, tests): a bounded source
 * with no records at all, so it ends at once and its final watermark holds nothing back.
 */
final class NoPolicyUpdates {

  private NoPolicyUpdates() {}

  static DataStream<Either<DeadLetter, ControlRecord>> stream(StreamExecutionEnvironment env) {
    return env.fromSource(new NoSplits(), WatermarkStrategy.noWatermarks(), "no policy updates")
        .uid(Uids.SOURCE_POLICIES)
        .setParallelism(1)
        .flatMap(new None())
        .returns(ConnectorTypes.controlType())
        .name("no policy updates")
        .setParallelism(1);
  }

  /** A number sequence source that hands out no splits: no records, then the end. */
  static final class NoSplits extends NumberSequenceSource {
    NoSplits() {
      super(0, 0);
    }

    @Override
    protected List<NumberSequenceSplit> splitNumberRange(long from, long to, int numSplits) {
      return List.of();
    }
  }

  /** Never called: there are no records. */
  static final class None implements FlatMapFunction<Long, Either<DeadLetter, ControlRecord>> {
    @Override
    public void flatMap(Long value, Collector<Either<DeadLetter, ControlRecord>> out) {}
  }
}
