package io.journeyflow.patterns;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The validated rules a job runs, by id. */
public final class RuleSet implements Serializable {

  private static final long serialVersionUID = 1L;

  private final Map<String, Rule> byId = new LinkedHashMap<>();
  /** The rules in order, built once: operators ask for them for every event. */
  private final List<Rule> ordered;

  public RuleSet(List<Rule> rules) {
    for (Rule rule : rules) {
      if (byId.put(rule.id(), rule) != null) {
        throw new IllegalArgumentException("duplicate rule id " + rule.id());
      }
    }
    ordered = List.copyOf(byId.values());
  }

  public List<Rule> rules() {
    return ordered;
  }

  /** The rule with this id, or null. */
  public Rule rule(String id) {
    return byId.get(id);
  }

  /** Every event type some step of some rule names. */
  public Set<String> eventTypes() {
    Set<String> types = new TreeSet<>();
    for (Rule rule : byId.values()) {
      rule.steps().forEach(s -> types.addAll(s.eventTypes()));
    }
    return types;
  }

  /** A rule set with only the given rule ids (e.g. to test one rule alone). */
  public RuleSet only(String... ids) {
    List<Rule> kept = new java.util.ArrayList<>();
    for (String id : ids) {
      Rule r = rule(id);
      if (r == null) {
        throw new IllegalArgumentException("no rule " + id + " in " + byId.keySet());
      }
      kept.add(r);
    }
    return new RuleSet(kept);
  }
}
