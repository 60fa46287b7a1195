package io.journeyflow.jobs.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyflow.jobs.analytics.FactCounts;
import io.journeyflow.schema.internal.JourneyFact;
import io.journeyflow.schema.internal.MetricsAccumulator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.event.WatermarkEvent;
import org.apache.flink.streaming.api.operators.Output;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.LatencyMarker;
import org.apache.flink.streaming.runtime.streamrecord.RecordAttributes;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

/** Facts counted per rule and window on the heap, sent on before each watermark. */
class FactCountingOutputTest {

  private static final OutputTag<JourneyFact> FACTS =
      new OutputTag<>("facts", new AvroTypeInfo<>(JourneyFact.class));
  private static final OutputTag<Tuple2<String, MetricsAccumulator>> COUNTS =
      new OutputTag<>("counts", FactCounts.type());
  private static final OutputTag<String> OTHER = new OutputTag<>("other") {};
  private static final long HOUR = 3_600_000L;

  /** What reached the output, in order: records, side-output records, watermarks. */
  private static final class Recording implements Output<StreamRecord<String>> {
    final List<Object> seen = new ArrayList<>();

    @Override
    public <X> void collect(OutputTag<X> tag, StreamRecord<X> record) {
      seen.add(tag.getId() + "@" + record.getTimestamp() + ":" + describe(record.getValue()));
    }

    @Override
    public void collect(StreamRecord<String> record) {
      seen.add("main:" + record.getValue());
    }

    @Override
    public void emitWatermark(Watermark mark) {
      seen.add("watermark " + mark.getTimestamp());
    }

    @Override
    public void emitWatermark(WatermarkEvent watermark) {}

    @Override
    public void emitWatermarkStatus(WatermarkStatus watermarkStatus) {}

    @Override
    public void emitLatencyMarker(LatencyMarker latencyMarker) {}

    @Override
    public void emitRecordAttributes(RecordAttributes recordAttributes) {}

    @Override
    public void close() {}

    private static String describe(Object value) {
      if (value instanceof Tuple2<?, ?> t && t.f1 instanceof MetricsAccumulator acc) {
        return t.f0 + " " + new java.util.TreeMap<>(acc.getCounts());
      }
      return String.valueOf(value);
    }
  }

  private static JourneyFact fact(String rule, String kind, String detail) {
    return new JourneyFact(rule, 1, "billing", kind, Instant.EPOCH, detail, null, null, null);
  }

  @Test
  void countsPerRuleAndWindowGoOutJustBeforeTheWatermark() {
    Recording out = new Recording();
    FactCountingOutput<String> counting = new FactCountingOutput<>(out, FACTS, COUNTS, HOUR);

    counting.collect(FACTS, new StreamRecord<>(fact("b", "ENTERED", null), 10));
    counting.collect(FACTS, new StreamRecord<>(fact("a", "ENTERED", null), 20));
    counting.collect(FACTS, new StreamRecord<>(fact("a", "STEP", "opened"), 20));
    counting.collect(FACTS, new StreamRecord<>(fact("a", "ENTERED", null), HOUR - 1));
    counting.collect(FACTS, new StreamRecord<>(fact("a", "ENTERED", null), HOUR + 5));
    counting.collect(new StreamRecord<>("action"));
    counting.collect(OTHER, new StreamRecord<>("signal", 30));
    assertThat(out.seen).as("everything but facts passes at once")
        .containsExactly("main:action", "other@30:signal");

    counting.emitWatermark(new Watermark(HOUR + 5));
    counting.emitWatermark(new Watermark(HOUR + 6));

    // Each count carries its facts' latest time: in their window, not behind the watermark.
    assertThat(out.seen.subList(2, out.seen.size())).containsExactly(
        "counts@" + (HOUR - 1) + ":a {entered=2, step:opened=1}",
        "counts@10:b {entered=1}",
        "counts@" + (HOUR + 5) + ":a {entered=1}",
        "watermark " + (HOUR + 5),
        "watermark " + (HOUR + 6));
  }

  @Test
  void flushSendsWhatIsHeldAndKeepsNothing() {
    Recording out = new Recording();
    FactCountingOutput<String> counting = new FactCountingOutput<>(out, FACTS, COUNTS, HOUR);
    counting.collect(FACTS, new StreamRecord<>(fact("a", "ABANDONED", null), 7));

    counting.flush(); // before a checkpoint barrier
    counting.flush();

    assertThat(out.seen).containsExactly("counts@7:a {abandoned=1}");
  }

  @Test
  void theAnalyticsSumAddsCountsLikeFacts() {
    FactCounts.Sum sum = new FactCounts.Sum();
    MetricsAccumulator acc = sum.createAccumulator();
    MetricsAccumulator part = sum.createAccumulator();
    part.getCounts().put("entered", 2L);
    acc = sum.add(Tuple2.of("a", part), acc);
    MetricsAccumulator more = sum.createAccumulator();
    more.getCounts().put("entered", 1L);
    more.getResolutionBuckets().put("3", 1L);
    acc = sum.add(Tuple2.of("a", more), acc);
    assertThat(acc.getCounts()).isEqualTo(Map.of("entered", 3L));
    assertThat(acc.getResolutionBuckets()).isEqualTo(Map.of("3", 1L));
  }
}
