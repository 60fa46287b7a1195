package io.journeyflow.patterns;

import io.journeyflow.patterns.cel.CelCondition;
import io.journeyflow.patterns.cel.CelEvents;
import io.journeyflow.schema.CustomerEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;

/**
 * A step's condition in Flink CEP: the event type, then (if the rule asks) the same entity as
 * the first step, then the CEL condition with earlier steps bound to their last events.
 */
final class StepCondition extends IterativeCondition<CustomerEvent> {

  private static final long serialVersionUID = 1L;

  private final Set<String> eventTypes;
  private final CelCondition condition;
  private final String correlateWith;
  private final List<String> earlierSteps;

  StepCondition(
      Set<String> eventTypes, CelCondition condition, String correlateWith,
      List<String> earlierSteps) {
    this.eventTypes = Set.copyOf(eventTypes);
    this.condition = condition;
    this.correlateWith = correlateWith;
    this.earlierSteps = List.copyOf(earlierSteps);
  }

  @Override
  public boolean filter(CustomerEvent event, Context<CustomerEvent> ctx) throws Exception {
    if (!eventTypes.contains(event.getEventType())) {
      return false;
    }
    if (correlateWith != null) {
      CustomerEvent first = last(ctx.getEventsForPattern(correlateWith));
      if (first != null
          && (event.getEntityId() == null
              || !Objects.equals(first.getEntityId(), event.getEntityId()))) {
        return false;
      }
    }
    if (condition == null) {
      return true;
    }
    Map<String, Object> bindings = new HashMap<>(4 + earlierSteps.size());
    bindings.put("event", CelEvents.toCel(event));
    for (String step : earlierSteps) {
      // Bind only the steps the expression names: each lookup reads CEP's shared buffer.
      if (condition.mentions(step)) {
        CustomerEvent e = last(ctx.getEventsForPattern(step));
        if (e != null) {
          bindings.put(step, CelEvents.toCel(e));
        }
      }
    }
    return condition.test(bindings);
  }

  private static CustomerEvent last(Iterable<CustomerEvent> events) {
    CustomerEvent last = null;
    for (CustomerEvent e : events) {
      last = e;
    }
    return last;
  }
}
