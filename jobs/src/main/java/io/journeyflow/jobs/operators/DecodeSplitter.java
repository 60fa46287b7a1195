package io.journeyflow.jobs.operators;

import io.journeyflow.connectors.DeadLetters;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.DeadLetter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Splits decoded input into events that can be keyed and dead letters: decode failures, and
 * events with none of the configured identifier types.
 */
public final class DecodeSplitter
    extends ProcessFunction<Either<DeadLetter, CustomerEvent>, CustomerEvent> {

  private final CustomerKeys keys;
  private final OutputTag<DeadLetter> deadLetters;
  private transient Counter recordsIn;
  private transient Counter rejected;

  public DecodeSplitter(CustomerKeys keys, OutputTag<DeadLetter> deadLetters) {
    this.keys = keys;
    this.deadLetters = deadLetters;
  }

  @Override
  public void open(OpenContext openContext) {
    recordsIn = JobMetrics.group(getRuntimeContext()).counter(JobMetrics.RECORDS_IN);
    rejected = JobMetrics.group(getRuntimeContext()).counter(JobMetrics.DEAD_LETTERS);
  }

  @Override
  public void processElement(
      Either<DeadLetter, CustomerEvent> record, Context ctx, Collector<CustomerEvent> out) {
    recordsIn.inc();
    if (record.isLeft()) {
      rejected.inc();
      ctx.output(deadLetters, record.left());
      return;
    }
    CustomerEvent event = record.right();
    // Only the job sets these (identity resolution); JSON input cannot, Avro input could.
    event.setCustomerKey(null);
    event.setShadowOf(null);
    if (event.getEventType().startsWith(IdentityEvents.RESERVED_PREFIX)) {
      // The job's own event types carry state between its operators: input may not forge them.
      rejected.inc();
      ctx.output(deadLetters, DeadLetters.forEvent(event, "validate",
          "event type '" + event.getEventType() + "' is reserved: types starting with '"
              + IdentityEvents.RESERVED_PREFIX + "' are the job's own"));
      return;
    }
    if (keys.keyOrNull(event) == null) {
      rejected.inc();
      ctx.output(
          deadLetters,
          DeadLetters.forEvent(
              event,
              "identity",
              "no usable identity: the event carries none of " + keys.priority()
                  + " (it has " + event.getIdentities().keySet() + ")"));
      return;
    }
    out.collect(event);
  }
}
