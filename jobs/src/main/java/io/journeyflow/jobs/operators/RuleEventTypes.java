package io.journeyflow.jobs.operators;

import io.journeyflow.schema.CustomerEvent;
import java.util.Set;
import org.apache.flink.api.common.functions.FilterFunction;

/** Passes only the event types one rule names (its steps' and its absences'). */
public final class RuleEventTypes implements FilterFunction<CustomerEvent> {

  private final Set<String> types;

  public RuleEventTypes(Set<String> types) {
    this.types = Set.copyOf(types);
  }

  @Override
  public boolean filter(CustomerEvent event) {
    return types.contains(event.getEventType());
  }
}
