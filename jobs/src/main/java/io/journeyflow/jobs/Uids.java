package io.journeyflow.jobs;

/**
 * Operator uids and names of the job graph: savepoints map state by uid, so these never change.
 */
public final class Uids {

  public static final String SOURCE_EVENTS = "source-events";
  public static final String SOURCE_POLICIES = "source-policies";
  public static final String POLICY_SPLIT = "policy-split";
  public static final String POLICY_GATE = "policy-gate";
  public static final String JOURNEY_EVENTS = "journey-input-events";
  public static final String JOURNEY_MATCHES = "journey-input-matches";
  public static final String DECODE = "decode-split";
  public static final String INGEST = "ingest-dedup";
  public static final String MATCHES = "rule-matches";
  public static final String JOURNEY = "journey-decisions";
  public static final String SINK_ACTIONS = "sink-actions";
  public static final String SINK_SUPPRESSIONS = "sink-suppressions";
  public static final String SINK_DEAD_LETTERS = "sink-dead-letters";
  public static final String SINK_DECISIONS = "sink-decisions";
  public static final String SINK_ERASURES = "sink-erasures";
  public static final String JOURNEY_METRICS = "journey-metrics";
  public static final String SINK_JOURNEY_METRICS = "sink-journey-metrics";
  /** The one keyed operator of the fast rule engine (journeyflow.rules.fast-path). */
  public static final String FAST_RULES = "rules-fast";
  /** Identity resolution (journeyflow.identity.resolution): fan-out, graph, loop, merges. */
  public static final String IDENTITY_FAN_OUT = "identity-fan-out";
  public static final String IDENTITY = "identity-graph";
  public static final String IDENTITY_LINKS_SPLIT = "identity-links-split";
  public static final String SOURCE_IDENTITY_LINKS = "source-identity-links";
  public static final String SINK_IDENTITY_LINKS = "sink-identity-links";
  public static final String SINK_IDENTITY = "sink-identity";
  public static final String SINK_IDENTITY_CONFLICTS = "sink-identity-conflicts";

  private Uids() {}

  /**
   * A rule version's state inside the fast operator: like the CEP operator's uid, a new
   * version starts with fresh partial matches.
   */
  public static String fastRuleState(String ruleId, int version) {
    return "fast-" + rule(ruleId, version);
  }

  /**
   * One CEP operator per rule version: a new version starts with fresh partial matches instead
   * of restoring NFA state that was compiled from a different pattern.
   */
  public static String rule(String ruleId, int version) {
    return "rule-" + ruleId + "-v" + version;
  }

  /** The stateless filter that feeds one rule version only the event types it names. */
  public static String route(String ruleId, int version) {
    return "route-" + ruleId + "-v" + version;
  }
}
