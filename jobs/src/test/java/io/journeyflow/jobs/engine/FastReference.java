package io.journeyflow.jobs.engine;

import io.journeyflow.patterns.engine.EventKeys;
import io.journeyflow.patterns.engine.FastRule;
import io.journeyflow.patterns.engine.RuleState;
import io.journeyflow.schema.CustomerEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The fast engine driven like CEP's operator drives its NFA: events above the watermark are
 * buffered per customer and fed in event-time order when the watermark passes them, late ones
 * are dropped; each watermark then advances time. Optionally feeds only the rule's event types.
 */
final class FastReference implements StreamRunner {

  private static final Comparator<CustomerEvent> ORDER = (a, b) -> EventKeys.compare(
      a.getOccurredAt().toEpochMilli(), a.getEventId(),
      b.getOccurredAt().toEpochMilli(), b.getEventId());

  private final FastRule rule;
  private final boolean onlyRuleTypes;
  private final Map<String, TreeSet<CustomerEvent>> buffers = new TreeMap<>();
  private final Map<String, RuleState> states = new TreeMap<>();
  private long watermark = Long.MIN_VALUE;

  FastReference(FastRule rule, boolean onlyRuleTypes) {
    this.rule = rule;
    this.onlyRuleTypes = onlyRuleTypes;
  }

  @Override
  public void event(CustomerEvent event) {
    if (event.getOccurredAt().toEpochMilli() <= watermark) {
      return;
    }
    if (onlyRuleTypes && !rule.eventTypes().contains(event.getEventType())) {
      return;
    }
    buffers.computeIfAbsent(new CepReference.ByCustomer().getKey(event),
        k -> new TreeSet<>(ORDER)).add(event);
  }

  @Override
  public List<String> watermark(long timestamp) throws Exception {
    watermark = timestamp;
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, TreeSet<CustomerEvent>> buffer : buffers.entrySet()) {
      RuleState state = states.computeIfAbsent(buffer.getKey(), k -> new RuleState());
      while (!buffer.getValue().isEmpty()
          && buffer.getValue().first().getOccurredAt().toEpochMilli() <= timestamp) {
        CustomerEvent e = buffer.getValue().pollFirst();
        describe(rule.process(state, e, e.getOccurredAt().toEpochMilli()), out);
      }
    }
    for (RuleState state : states.values()) {
      describe(rule.advanceTime(state, timestamp), out);
    }
    return out;
  }

  private void describe(List<Map<String, List<CustomerEvent>>> matches, List<String> out) {
    for (Map<String, List<CustomerEvent>> m : matches) {
      out.add(CepReference.describe(rule.rule(), m));
    }
  }

  @Override
  public void close() {}
}
