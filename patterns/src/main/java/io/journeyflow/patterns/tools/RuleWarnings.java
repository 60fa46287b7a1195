package io.journeyflow.patterns.tools;

import io.journeyflow.patterns.Rule;
import io.journeyflow.patterns.RuleSet;
import io.journeyflow.patterns.StepSpec;
import java.util.ArrayList;
import java.util.List;

/** Problems that do not stop a rule from loading, but that its author wants to know. */
public final class RuleWarnings {

  private RuleWarnings() {}

  /** Warnings for every rule of the set; {@code catalog} may be null (no type checks). */
  public static List<String> of(RuleSet rules, EventCatalog catalog) {
    List<String> warnings = new ArrayList<>();
    for (Rule rule : rules.rules()) {
      String where = rule.sourceFile() + ": rule '" + rule.id() + "': ";
      if (rule.within() == null) {
        warnings.add(where + "no 'within': partial matches are kept until they complete,"
            + " so state grows without bound for customers who never complete the pattern");
      }
      if (catalog == null) {
        continue;
      }
      for (StepSpec step : rule.steps()) {
        List<String> unknown =
            step.eventTypes().stream().filter(t -> !catalog.knows(t)).toList();
        if (unknown.isEmpty()) {
          continue;
        }
        if (step.absent()) {
          warnings.add(where + "step '" + step.name() + "' waits for the absence of " + unknown
              + ", which no source emits: the absence always holds");
        } else if (unknown.size() == step.eventTypes().size() && !step.optional()) {
          warnings.add(where + "can never match: step '" + step.name() + "' needs " + unknown
              + ", which no source in the event catalog emits");
        } else {
          warnings.add(where + "step '" + step.name() + "' names " + unknown
              + ", which no source in the event catalog emits");
        }
      }
    }
    return warnings;
  }
}
