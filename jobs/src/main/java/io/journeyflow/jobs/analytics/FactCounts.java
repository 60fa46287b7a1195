package io.journeyflow.jobs.analytics;

import io.journeyflow.schema.internal.MetricsAccumulator;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.typeutils.TupleTypeInfo;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;

/**
 * Journey facts already counted per rule and window by the decision operator (rule id, partial
 * count): the analytics window adds these partial counts up instead of counting each fact.
 */
public final class FactCounts {

  private FactCounts() {}

  /** The records between the decision operator and the analytics windows. */
  public static TypeInformation<Tuple2<String, MetricsAccumulator>> type() {
    return new TupleTypeInfo<>(Types.STRING, new AvroTypeInfo<>(MetricsAccumulator.class));
  }

  /** Keys partial counts by rule id, as {@link JourneyFacts.ByRule} keys facts. */
  public static final class ByRule implements KeySelector<Tuple2<String, MetricsAccumulator>,
      String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String getKey(Tuple2<String, MetricsAccumulator> counts) {
      return counts.f0;
    }
  }

  /**
   * Adds partial counts into the window's accumulator: the same accumulator (and state) as
   * {@link JourneyMetricsAggregate}'s, so windows in a savepoint taken while facts were counted
   * one by one go on from where they were.
   */
  public static final class Sum implements AggregateFunction<Tuple2<String, MetricsAccumulator>,
      MetricsAccumulator, MetricsAccumulator> {
    private static final long serialVersionUID = 1L;
    private final JourneyMetricsAggregate counting = new JourneyMetricsAggregate();

    @Override
    public MetricsAccumulator createAccumulator() {
      return counting.createAccumulator();
    }

    @Override
    public MetricsAccumulator add(Tuple2<String, MetricsAccumulator> counts,
        MetricsAccumulator acc) {
      return counting.merge(acc, counts.f1);
    }

    @Override
    public MetricsAccumulator getResult(MetricsAccumulator acc) {
      return acc;
    }

    @Override
    public MetricsAccumulator merge(MetricsAccumulator a, MetricsAccumulator b) {
      return counting.merge(a, b);
    }
  }
}
