package io.journeyflow.patterns;

import dev.cel.runtime.CelVariableResolver;
import io.journeyflow.patterns.cel.CelCondition;
import io.journeyflow.patterns.cel.CelEvents;
import io.journeyflow.schema.CustomerEvent;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a step takes an event: its event type, then (if the rule asks) the same non-null
 * entity as the first step's event, then the CEL condition with earlier steps bound to their
 * last events. Flink CEP's condition and the fast engine both use it, so they cannot disagree.
 */
public final class StepMatcher implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The events a partial match has taken so far, by step name. */
  public interface Bindings {
    /** The first event taken for {@code step}, or null if none. */
    CustomerEvent first(String step) throws Exception;

    /** The last event taken for {@code step}, or null if none. */
    CustomerEvent last(String step) throws Exception;

    /**
     * Whether the first event taken for {@code step} is of entity {@code entityId}, or no event
     * was taken for it (the event tested would then be that first event).
     */
    default boolean firstOfEntity(String step, String entityId) throws Exception {
      CustomerEvent first = first(step);
      return first == null || entityId.equals(first.getEntityId());
    }
  }

  /** A partial match that has taken nothing yet (the start of a pattern). */
  public static final Bindings NONE = new Bindings() {
    @Override
    public CustomerEvent first(String step) {
      return null;
    }

    @Override
    public CustomerEvent last(String step) {
      return null;
    }
  };

  private final Set<String> eventTypes;
  private final CelCondition condition;
  /** The first step's name when the rule correlates by entityId, else null. */
  private final String correlateWith;
  /** The earlier steps the condition uses: only those are looked up. */
  private final String[] stepsUsed;

  StepMatcher(
      Set<String> eventTypes, CelCondition condition, String correlateWith,
      List<String> earlierSteps) {
    this.eventTypes = Set.copyOf(eventTypes);
    this.condition = condition;
    this.correlateWith = correlateWith;
    this.stepsUsed = condition == null ? new String[0]
        : earlierSteps.stream().filter(condition::mentions).toArray(String[]::new);
  }

  /** The matcher of step {@code index} of {@code rule}, as {@link RuleCompiler} builds it. */
  public static StepMatcher of(Rule rule, int index) {
    // Every step, the first included: its repeats share the entity and null never correlates.
    String correlateWith = "entityId".equals(rule.correlateBy()) ? rule.firstStep() : null;
    List<String> earlier = new ArrayList<>();
    for (int i = 0; i < index; i++) {
      if (!rule.steps().get(i).absent()) {
        earlier.add(rule.steps().get(i).name());
      }
    }
    StepSpec step = rule.steps().get(index);
    return new StepMatcher(
        new HashSet<>(step.eventTypes()), step.condition(), correlateWith, earlier);
  }

  public Set<String> eventTypes() {
    return eventTypes;
  }

  public boolean test(CustomerEvent event, Bindings bound) throws Exception {
    // Cheapest test first: most events of a customer are of other types.
    if (!eventTypes.contains(event.getEventType())) {
      return false;
    }
    if (correlateWith != null && !sameEntity(event, bound)) {
      return false;
    }
    if (condition == null) {
      return true;
    }
    CustomerEvent[] earlier = new CustomerEvent[stepsUsed.length];
    for (int i = 0; i < stepsUsed.length; i++) {
      earlier[i] = bound.last(stepsUsed[i]);
    }
    return condition.test(new Variables(event, stepsUsed, earlier));
  }

  /** Null never correlates; the first accepted event of the first step sets the entity. */
  private boolean sameEntity(CustomerEvent event, Bindings bound) throws Exception {
    if (event.getEntityId() == null) {
      return false;
    }
    return bound.firstOfEntity(correlateWith, event.getEntityId());
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
