package io.journeyflow.patterns;

import dev.cel.runtime.CelVariableResolver;
import io.journeyflow.patterns.cel.CelCondition;
import io.journeyflow.patterns.cel.CelEvents;
import io.journeyflow.schema.CustomerEvent;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;

/**
 * A step's condition in Flink CEP: the event type, then (if the rule asks) the same non-null
 * entity as the first step's event, then the CEL condition with earlier steps bound to their
 * last events.
 */
final class StepCondition extends IterativeCondition<CustomerEvent> {

  private static final long serialVersionUID = 2L;

  private final Set<String> eventTypes;
  private final CelCondition condition;
  /** The first step's name when the rule correlates by entityId, else null. */
  private final String correlateWith;
  /** The earlier steps the condition uses: only those are read from CEP's shared buffer. */
  private final String[] stepsUsed;

  StepCondition(
      Set<String> eventTypes, CelCondition condition, String correlateWith,
      List<String> earlierSteps) {
    this.eventTypes = Set.copyOf(eventTypes);
    this.condition = condition;
    this.correlateWith = correlateWith;
    this.stepsUsed = condition == null ? new String[0]
        : earlierSteps.stream().filter(condition::mentions).toArray(String[]::new);
  }

  @Override
  public boolean filter(CustomerEvent event, Context<CustomerEvent> ctx) throws Exception {
    // Cheapest test first: most events of a customer are of other types.
    if (!eventTypes.contains(event.getEventType())) {
      return false;
    }
    if (correlateWith != null && !sameEntity(event, ctx)) {
      return false;
    }
    if (condition == null) {
      return true;
    }
    CustomerEvent[] earlier = new CustomerEvent[stepsUsed.length];
    for (int i = 0; i < stepsUsed.length; i++) {
      earlier[i] = last(ctx.getEventsForPattern(stepsUsed[i]));
    }
    return condition.test(new Variables(event, stepsUsed, earlier));
  }

  /** Null never correlates; the first accepted event of the first step sets the entity. */
  private boolean sameEntity(CustomerEvent event, Context<CustomerEvent> ctx) throws Exception {
    if (event.getEntityId() == null) {
      return false;
    }
    for (CustomerEvent first : ctx.getEventsForPattern(correlateWith)) {
      return event.getEntityId().equals(first.getEntityId());
    }
    // This event would be the first step's first event (or that step was optional, skipped).
    return true;
  }

  private static CustomerEvent last(Iterable<CustomerEvent> events) {
    CustomerEvent last = null;
    for (CustomerEvent e : events) {
      last = e;
    }
    return last;
  }

  /** {@code event} and the earlier steps, turned into CEL values only when evaluated. */
  private static final class Variables implements CelVariableResolver {
    private final CustomerEvent event;
    private final String[] names;
    private final CustomerEvent[] events;

    Variables(CustomerEvent event, String[] names, CustomerEvent[] events) {
      this.event = event;
      this.names = names;
      this.events = events;
    }

    @Override
    public Optional<Object> find(String name) {
      if ("event".equals(name)) {
        return Optional.of(CelEvents.view(event));
      }
      for (int i = 0; i < names.length; i++) {
        if (names[i].equals(name)) {
          // An optional step that did not occur stays unbound: the condition is then false.
          return events[i] == null ? Optional.empty() : Optional.of(CelEvents.view(events[i]));
        }
      }
      return Optional.empty();
    }
  }
}
