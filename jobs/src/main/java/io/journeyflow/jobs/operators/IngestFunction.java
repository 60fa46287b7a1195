package io.journeyflow.jobs.operators;

import io.journeyflow.connectors.DeadLetters;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.DeadLetter;
import java.time.Duration;
import java.time.Instant;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Per customer: diverts late events to the dead letters (rule evaluation would drop them
 * silently) and drops duplicates by eventId, remembering ids for a configurable time.
 */
public final class IngestFunction
    extends KeyedProcessFunction<String, CustomerEvent, CustomerEvent> {

  static final String SEEN_STATE = "seen-event-ids";

  private final Duration dedupTtl;
  private final OutputTag<DeadLetter> deadLetters;

  private transient MapState<String, Boolean> seen;
  private transient Counter duplicates;
  private transient Counter late;
  private transient Counter accepted;

  public IngestFunction(Duration dedupTtl, OutputTag<DeadLetter> deadLetters) {
    this.dedupTtl = dedupTtl;
    this.deadLetters = deadLetters;
  }

  @Override
  public void open(OpenContext openContext) {
    MapStateDescriptor<String, Boolean> descriptor =
        new MapStateDescriptor<>(SEEN_STATE, Types.STRING, Types.BOOLEAN);
    descriptor.enableTimeToLive(
        StateTtlConfig.newBuilder(dedupTtl)
            .updateTtlOnCreateAndWrite()
            .neverReturnExpired()
            .cleanupInRocksdbCompactFilter(1000)
            .build());
    seen = getRuntimeContext().getMapState(descriptor);
    duplicates = JobMetrics.group(getRuntimeContext()).counter(JobMetrics.DUPLICATES);
    late = JobMetrics.group(getRuntimeContext()).counter(JobMetrics.DEAD_LETTERS);
    accepted = JobMetrics.group(getRuntimeContext()).counter(JobMetrics.EVENTS_IN);
  }

  @Override
  public void processElement(CustomerEvent event, Context ctx, Collector<CustomerEvent> out)
      throws Exception {
    // The job's own records (identity events, copies for absorbed customers' rules) are not
    // input: the counters count what came in.
    boolean input = event.getShadowOf() == null && !IdentityEvents.isIdentityEvent(event);
    if (seen.contains(event.getEventId())) {
      if (input) {
        duplicates.inc();
      }
      return;
    }
    long watermark = ctx.timerService().currentWatermark();
    if (event.getOccurredAt().toEpochMilli() <= watermark) {
      late.inc();
      ctx.output(
          deadLetters,
          DeadLetters.forEvent(
              event,
              "late",
              "event time " + event.getOccurredAt() + " is not after the watermark "
                  + Instant.ofEpochMilli(watermark)
                  + ": later than the allowed out-of-orderness"));
      return;
    }
    if (event.getEventType().equals(JourneyFunction.ERASE)) {
      seen.clear(); // event ids of an erased customer are not kept
    } else {
      seen.put(event.getEventId(), Boolean.TRUE);
    }
    if (input) {
      accepted.inc();
    }
    out.collect(event);
  }
}
