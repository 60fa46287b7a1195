package io.journeyflow.jobs.operators;

import io.journeyflow.schema.DeadLetter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Passes records of a control or loop topic on and diverts those that could not be read to the
 * dead letters.
 */
public final class ControlSplitter<T> extends ProcessFunction<Either<DeadLetter, T>, T> {

  private final OutputTag<DeadLetter> deadLetters;
  private transient Counter rejected;

  public ControlSplitter(OutputTag<DeadLetter> deadLetters) {
    this.deadLetters = deadLetters;
  }

  @Override
  public void open(OpenContext openContext) {
    rejected = JobMetrics.group(getRuntimeContext()).counter(JobMetrics.DEAD_LETTERS);
  }

  @Override
  public void processElement(
      Either<DeadLetter, T> record, Context ctx, Collector<T> out) {
    if (record.isLeft()) {
      rejected.inc();
      ctx.output(deadLetters, record.left());
    } else {
      out.collect(record.right());
    }
  }
}
