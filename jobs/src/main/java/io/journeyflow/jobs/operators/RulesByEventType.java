package io.journeyflow.jobs.operators;

import io.journeyflow.patterns.Rule;
import io.journeyflow.patterns.RuleSet;
import io.journeyflow.patterns.StepSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which rules an event type concerns, worked out once per rule set: the journey operator asks
 * for every event, and asking every rule (and its state) costs a lot more at 20 rules.
 */
final class RulesByEventType {

  private final Map<String, List<Rule>> named = new HashMap<>();
  private final Map<String, List<Rule>> exits = new HashMap<>();
  private final Map<String, List<Rule>> outcomes = new HashMap<>();
  private final Map<String, List<Rule>> releases = new HashMap<>();
  /** Rules whose suppression a condition may release: any event may release them. */
  private final List<Rule> releasedByCondition = new ArrayList<>();

  RulesByEventType(RuleSet rules) {
    for (Rule rule : rules.rules()) {
      for (StepSpec step : rule.steps()) {
        step.eventTypes().forEach(type -> add(named, type, rule));
      }
      rule.exitOn().forEach(type -> add(exits, type, rule));
      if (rule.holdout() != null) {
        rule.holdout().outcomes().forEach(type -> add(outcomes, type, rule));
      }
      if (rule.suppress() != null) {
        rule.suppress().releaseOn().forEach(type -> add(releases, type, rule));
        if (rule.suppress().releaseWhen() != null) {
          releasedByCondition.add(rule);
        }
      }
    }
  }

  private static void add(Map<String, List<Rule>> index, String type, Rule rule) {
    List<Rule> list = index.computeIfAbsent(type, t -> new ArrayList<>());
    if (!list.contains(rule)) {
      list.add(rule);
    }
  }

  /** Rules with a step that names the type, in rule-set order. */
  List<Rule> naming(String eventType) {
    return named.getOrDefault(eventType, List.of());
  }

  /** Rules whose journey the type exits, in rule-set order. */
  List<Rule> exitingOn(String eventType) {
    return exits.getOrDefault(eventType, List.of());
  }

  /** Rules with a holdout that counts the type as an outcome, in rule-set order. */
  List<Rule> withOutcome(String eventType) {
    return outcomes.getOrDefault(eventType, List.of());
  }

  /** Whether an event of the type may release some rule's suppression. */
  boolean mayRelease(String eventType) {
    return !releasedByCondition.isEmpty() || releases.containsKey(eventType);
  }
}
