package io.journeyflow.patterns;

import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.internal.MatchedEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Flattens a CEP match into its events in step order, each tagged with its step. */
public final class MatchOrder {

  private MatchOrder() {}

  public static List<MatchedEvent> order(Rule rule, Map<String, List<CustomerEvent>> cepMatch) {
    List<MatchedEvent> out = new ArrayList<>();
    for (StepSpec step : rule.steps()) {
      List<CustomerEvent> events = cepMatch.get(step.name());
      if (events != null) {
        for (CustomerEvent e : events) {
          out.add(new MatchedEvent(step.name(), e));
        }
      }
    }
    return out;
  }
}
