package io.journeyflow.patterns.engine;

import io.journeyflow.patterns.Rule;
import io.journeyflow.patterns.StepSpec;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which rule shapes the fast engine evaluates exactly like Flink CEP. Everything else is left
 * to CEP: a fallback is a correct answer, a different match is not. The supported shapes are
 * those the differential test ({@code FastRuleDifferentialTest}) runs against CEP.
 */
public final class FastRuleSupport {

  private FastRuleSupport() {}

  /** Why the fast engine cannot evaluate {@code rule}, or empty if it can. */
  public static Optional<String> unsupported(Rule rule) {
    // With other strategies CEP emits matches in its priority queues' internal order.
    if (rule.afterMatch() != Rule.AfterMatch.SKIP_PAST_LAST_EVENT) {
      return Optional.of("afterMatch " + rule.afterMatch() + " (only skipPastLastEvent)");
    }
    List<StepSpec> steps = rule.steps();
    Set<String> takenTypes = new HashSet<>();
    for (StepSpec step : steps) {
      if (!step.absent()) {
        takenTypes.addAll(step.eventTypes());
      }
    }
    for (int i = 0; i < steps.size(); i++) {
      StepSpec step = steps.get(i);
      // Each of these makes one partial match branch into several alternatives.
      if (step.contiguity() == StepSpec.Contiguity.ANY) {
        return Optional.of("step '" + step.name() + "' has contiguity any");
      }
      if (step.optional() || step.oneOrMore()) {
        return Optional.of("step '" + step.name() + "' is optional or oneOrMore");
      }
      if (step.timesFrom() != null && !step.timesFrom().equals(step.timesTo())) {
        return Optional.of("step '" + step.name() + "' has a range of times");
      }
      if (!step.absent()) {
        continue;
      }
      boolean last = i == steps.size() - 1;
      if (last && step.contiguity() == StepSpec.Contiguity.STRICT) {
        return Optional.of("absence '" + step.name() + "' at the end with strict contiguity");
      }
      if (!last && steps.get(i + 1).absent()) {
        return Optional.of("absences '" + step.name() + "' and '" + steps.get(i + 1).name()
            + "' follow each other");
      }
      // An event that is both absent and taken would depend on CEP's edge order.
      for (String type : step.eventTypes()) {
        if (takenTypes.contains(type)) {
          return Optional.of("absence '" + step.name() + "' shares event type " + type
              + " with a step that takes events");
        }
      }
    }
    return Optional.empty();
  }
}
