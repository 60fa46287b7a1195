package io.journeyflow.jobs.operators;

import io.journeyflow.jobs.analytics.JourneyMetricsAggregate;
import io.journeyflow.schema.internal.JourneyFact;
import io.journeyflow.schema.internal.MetricsAccumulator;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.api.operators.Output;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * An operator's output that counts the journey facts it is given per rule and analytics window
 * on the heap, and sends each count on before the next watermark (and before a checkpoint
 * barrier): one record per rule and window instead of one per fact, for the analytics window to
 * add up. A count carries the latest time of its facts, which the watermark it precedes has
 * not passed, so it falls in the same window as its facts and is never late there.
 */
public final class FactCountingOutput<OUT> extends ForwardingOutput<OUT> {

  private final OutputTag<JourneyFact> facts;
  private final OutputTag<Tuple2<String, MetricsAccumulator>> counts;
  private final long windowMillis;
  private final JourneyMetricsAggregate counting = new JourneyMetricsAggregate();
  /** Window start -> rule id -> count; sorted so that counts go out in a fixed order. */
  private final TreeMap<Long, TreeMap<String, Count>> pending = new TreeMap<>();

  private static final class Count {
    final MetricsAccumulator acc;
    long latest;

    Count(MetricsAccumulator acc, long latest) {
      this.acc = acc;
      this.latest = latest;
    }
  }

  FactCountingOutput(Output<StreamRecord<OUT>> out, OutputTag<JourneyFact> facts,
      OutputTag<Tuple2<String, MetricsAccumulator>> counts, long windowMillis) {
    super(out);
    this.facts = facts;
    this.counts = counts;
    this.windowMillis = windowMillis;
  }

  /** Sends every count held; the operator calls it before a checkpoint barrier too. */
  void flush() {
    for (Map<String, Count> byRule : pending.values()) {
      for (Map.Entry<String, Count> e : byRule.entrySet()) {
        out.collect(counts, new StreamRecord<>(Tuple2.of(e.getKey(), e.getValue().acc),
            e.getValue().latest));
      }
    }
    pending.clear();
  }

  @Override
  @SuppressWarnings("unchecked")
  public <X> void collect(OutputTag<X> outputTag, StreamRecord<X> record) {
    if (!facts.equals(outputTag)) {
      out.collect(outputTag, record);
      return;
    }
    JourneyFact fact = (JourneyFact) record.getValue();
    long at = record.getTimestamp();
    Count count = pending
        .computeIfAbsent(TimeWindow.getWindowStartWithOffset(at, 0, windowMillis),
            w -> new TreeMap<>())
        .computeIfAbsent(fact.getRuleId(), r -> new Count(counting.createAccumulator(), at));
    counting.add(fact, count.acc);
    count.latest = Math.max(count.latest, at);
  }

  @Override
  public void emitWatermark(Watermark mark) {
    flush();
    out.emitWatermark(mark);
  }
}
