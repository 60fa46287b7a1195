package io.journeyflow.jobs.io;

import io.journeyflow.connectors.ConnectorTypes;
import io.journeyflow.schema.DeadLetter;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;

/**
 * An input the job has no topic for (policy updates or the identity loop in replay and tests):
 * a bounded source with no records at all, so it ends at once and its final watermark holds
 * nothing back.
 */
final class NoRecords {

  private NoRecords() {}

  static <T> DataStream<Either<DeadLetter, T>> stream(StreamExecutionEnvironment env,
      String uid, String name, TypeInformation<T> type) {
    return env.fromSource(new NoSplits(), WatermarkStrategy.noWatermarks(), name)
        .uid(uid)
        .setParallelism(1)
        .flatMap(new None<T>())
        .returns(new EitherTypeInfo<>(ConnectorTypes.deadLetter(), type))
        .name(name)
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
  static final class None<T> implements FlatMapFunction<Long, Either<DeadLetter, T>> {
    @Override
    public void flatMap(Long value, Collector<Either<DeadLetter, T>> out) {}
  }
}
