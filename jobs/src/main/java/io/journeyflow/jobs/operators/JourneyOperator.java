package io.journeyflow.jobs.operators;

import io.journeyflow.schema.Action;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.internal.RuleMatch;
import java.util.List;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.types.Either;

/**
 * Runs {@link JourneyFunction} with the policy updates as a broadcast input that takes no part
 * in event time. Flink's own operator takes the smaller watermark of its two inputs, and only
 * the active one when the other is idle: control records have no event time, so any watermark
 * they carried would either hold every timer back or, while the events are idle, let the
 * control input's watermark fire every timer at once (suppressions released, deferred actions
 * sent). Here only the events' watermark and idleness count.
 */
public final class JourneyOperator
    extends CoBroadcastWithKeyedOperator<String, Either<CustomerEvent, RuleMatch>, String, Action> {

  private static final long serialVersionUID = 1L;

  public JourneyOperator(JourneyFunction function) {
    super(function, List.of(JourneyFunction.POLICY_STATE));
  }

  @Override
  public void processWatermark1(Watermark mark) throws Exception {
    processWatermark(mark); // the events' watermark alone is the operator's
  }

  @Override
  public void processWatermark2(Watermark mark) {
    // ignored: see the class comment
  }

  @Override
  protected void processWatermarkStatus(WatermarkStatus status, int index) {
    if (index == 0) {
      output.emitWatermarkStatus(status);
    }
  }
}
