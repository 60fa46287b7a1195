package io.journeyflow.jobs.operators;

import io.journeyflow.jobs.decisions.DecisionEngine;
import io.journeyflow.patterns.ActionSpec;
import io.journeyflow.patterns.ResolvedAction;
import io.journeyflow.patterns.Rule;
import io.journeyflow.schema.Action;
import io.journeyflow.schema.ActionContext;
import io.journeyflow.schema.ContextEvent;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.Decision;
import io.journeyflow.schema.OpenJourney;
import io.journeyflow.schema.OpenSuppression;
import io.journeyflow.schema.SuppressionSignal;
import io.journeyflow.schema.SuppressionState;
import io.journeyflow.schema.TriggeringEvent;
import io.journeyflow.schema.internal.MatchedEvent;
import io.journeyflow.schema.internal.RuleMatch;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Builds the records the job emits. Ids are name-based UUIDs of what caused the record, so a
 * replay or a recovery produces the same ids and downstream can deduplicate on them.
 */
public final class JourneyRecords {

  private JourneyRecords() {}

  /** One action per action spec of the rule, in rule order. */
  public static List<Action> actions(
      Rule rule, RuleMatch match, List<ContextEvent> recent, List<OpenSuppression> open) {
    return actions(rule, match, recent, open, List.of());
  }

  /** With the journeys the customer is in the middle of. */
  public static List<Action> actions(Rule rule, RuleMatch match, List<ContextEvent> recent,
      List<OpenSuppression> open, List<OpenJourney> journeys) {
    List<TriggeringEvent> triggering = new ArrayList<>(match.getEvents().size());
    for (MatchedEvent m : match.getEvents()) {
      CustomerEvent e = m.getEvent();
      triggering.add(
          new TriggeringEvent(e.getEventId(), e.getEventType(), e.getOccurredAt(), m.getStep()));
    }
    Instant lastEventTime = triggering.get(triggering.size() - 1).getOccurredAt();
    java.util.LinkedHashSet<String> channels = new java.util.LinkedHashSet<>();
    for (ContextEvent e : recent) {
      if (e.getChannel() != null) {
        channels.remove(e.getChannel()); // most recently used last
        channels.add(e.getChannel());
      }
    }
    ActionContext context = new ActionContext(List.copyOf(recent), List.copyOf(open),
        List.copyOf(channels), List.copyOf(journeys), 0, 0);
    List<Action> actions = new ArrayList<>(rule.actions().size());
    for (int i = 0; i < rule.actions().size(); i++) {
      ActionSpec spec = rule.actions().get(i);
      ResolvedAction resolved = spec.resolve(match.getEvents());
      actions.add(
          Action.newBuilder()
              .setActionId(id("action", rule.id(), rule.version(), i, eventIds(match)))
              .setCustomerId(match.getCustomerId())
              .setActionType(resolved.actionType())
              .setChannel(resolved.channel())
              .setRuleId(rule.id())
              .setRuleVersion(rule.version())
              .setJourney(rule.journey())
              .setPriority(resolved.priority())
              .setPurpose(resolved.purpose())
              .setParameters(resolved.parameters())
              .setTriggeringEvents(triggering)
              .setContext(context)
              .setOccurredAt(lastEventTime)
              .setDecidedAt(match.getMatchedAt())
              .build());
    }
    return actions;
  }

  /** The SUPPRESS signal that opens {@code scopes} because of a match. */
  public static SuppressionSignal suppress(
      Rule rule, RuleMatch match, List<String> scopes, Instant until) {
    return SuppressionSignal.newBuilder()
        .setSignalId(suppressId(rule, match))
        .setCustomerId(match.getCustomerId())
        .setState(SuppressionState.SUPPRESS)
        .setScopes(List.copyOf(scopes))
        .setReason(rule.description())
        .setRuleId(rule.id())
        .setJourney(rule.journey())
        .setAt(match.getMatchedAt())
        .setUntil(until)
        .build();
  }

  /** The id of the SUPPRESS signal a match opens; open suppressions remember it. */
  public static String suppressId(Rule rule, RuleMatch match) {
    return id("suppress", rule.id(), rule.version(), 0, eventIds(match));
  }

  /** The RELEASE signal for scopes opened by one SUPPRESS signal. */
  public static SuppressionSignal release(
      String customerId, OpenSuppression opened, List<String> scopes, String reason, Instant at) {
    return SuppressionSignal.newBuilder()
        .setSignalId(id("release", opened.getSignalId(), 0, 0, String.join(",", scopes)))
        .setCustomerId(customerId)
        .setState(SuppressionState.RELEASE)
        .setScopes(List.copyOf(scopes))
        .setReason(reason)
        .setRuleId(opened.getRuleId())
        .setJourney(opened.getJourney())
        .setAt(at)
        .setUntil(null)
        .build();
  }

  /** The decision record of a candidate action. */
  public static Decision decision(
      Action a, DecisionEngine.Verdict verdict, String policyVersion, Instant at) {
    return Decision.newBuilder()
        .setDecisionId(id("decision", a.getActionId(), 0, 0, verdict.outcome().name()))
        .setActionId(a.getActionId())
        .setCustomerId(a.getCustomerId())
        .setRuleId(a.getRuleId())
        .setRuleVersion(a.getRuleVersion())
        .setJourney(a.getJourney())
        .setActionType(a.getActionType())
        .setPurpose(a.getPurpose())
        .setPriority(a.getPriority())
        .setRequestedChannel(a.getChannel())
        .setChannel(verdict.channel())
        .setOutcome(verdict.outcome())
        .setReason(verdict.reason())
        .setExplanation(verdict.explanation())
        .setPolicyValues(verdict.values())
        .setPolicyVersion(policyVersion)
        .setTriggeringEvents(a.getTriggeringEvents())
        .setDecidedAt(at)
        .setDeferredUntil(verdict.deferredUntil())
        .build();
  }

  /** The compact form of an event that travels in action context. */
  public static ContextEvent contextEvent(CustomerEvent e) {
    return new ContextEvent(
        e.getEventId(),
        e.getEventType(),
        e.getSource(),
        e.getChannel(),
        e.getOccurredAt(),
        e.getEntityId());
  }

  private static String eventIds(RuleMatch match) {
    StringBuilder ids = new StringBuilder();
    for (MatchedEvent m : match.getEvents()) {
      ids.append(m.getEvent().getEventId()).append(',');
    }
    return ids.toString();
  }

  private static String id(String kind, String name, int version, int index, String cause) {
    String key = kind + '|' + name + '|' + version + '|' + index + '|' + cause;
    return UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString();
  }
}
