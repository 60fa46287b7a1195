package io.journeyflow.jobs.operators;

import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.internal.RuleMatch;
import java.util.List;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;

/**
 * Runs {@link FastRuleFunction}, telling it at open whether the restored state still holds the
 * index map of savepoints before 2026-12-02 evening, so that a job restored from its own
 * checkpoint (every failover) does not look for it per customer.
 */
public final class FastRuleOperator extends KeyedProcessOperator<String, CustomerEvent, RuleMatch> {

  private static final long serialVersionUID = 1L;

  public FastRuleOperator(FastRuleFunction function) {
    super(function);
  }

  @Override
  public void open() throws Exception {
    ((FastRuleFunction) userFunction).earlierIndexHeld(!EarlierStates.held(
        getKeyedStateBackend(), List.of(FastRuleFunction.INDEX)).isEmpty());
    super.open();
  }
}
