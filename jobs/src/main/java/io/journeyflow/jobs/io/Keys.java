package io.journeyflow.jobs.io;

import io.journeyflow.connectors.KeyExtractor;
import io.journeyflow.schema.Action;
import io.journeyflow.schema.DeadLetter;
import io.journeyflow.schema.Decision;
import io.journeyflow.schema.ErasureConfirmation;
import io.journeyflow.schema.IdentityConflict;
import io.journeyflow.schema.IdentityMerged;
import io.journeyflow.schema.JourneyMetrics;
import io.journeyflow.schema.SuppressionSignal;
import io.journeyflow.schema.internal.IdentityMessage;

/** Kafka record keys of the outputs: the customer, so one customer's records stay in order. */
final class Keys {

  private Keys() {}

  /** Key of an action. */
  static final class ActionKey implements KeyExtractor<Action> {
    @Override
    public String key(Action action) {
      return action.getCustomerId();
    }
  }

  /** Key of a suppression signal. */
  static final class SignalKey implements KeyExtractor<SuppressionSignal> {
    @Override
    public String key(SuppressionSignal signal) {
      return signal.getCustomerId();
    }
  }

  /** Key of a decision record. */
  static final class DecisionKey implements KeyExtractor<Decision> {
    @Override
    public String key(Decision decision) {
      return decision.getCustomerId();
    }
  }

  /** Key of an erasure confirmation. */
  static final class ErasureKey implements KeyExtractor<ErasureConfirmation> {
    @Override
    public String key(ErasureConfirmation confirmation) {
      return confirmation.getCustomerId();
    }
  }

  /** Key of a journey metrics record: its rule, so one rule's windows keep their order. */
  static final class MetricsKey implements KeyExtractor<JourneyMetrics> {
    @Override
    public String key(JourneyMetrics metrics) {
      return metrics.getRuleId();
    }
  }

  /** Key of a merge record: the absorbed customer (a compacted topic keeps one per customer). */
  static final class IdentityMergedKey implements KeyExtractor<IdentityMerged> {
    @Override
    public String key(IdentityMerged merged) {
      return merged.getAbsorbedId();
    }
  }

  /** Key of a refused link: the contested identifier. */
  static final class IdentityConflictKey implements KeyExtractor<IdentityConflict> {
    @Override
    public String key(IdentityConflict conflict) {
      return conflict.getIdentifier();
    }
  }

  /** Key of a loop message: its target identifier, so one node's labels stay in order. */
  static final class IdentityMessageKey implements KeyExtractor<IdentityMessage> {
    @Override
    public String key(IdentityMessage message) {
      return message.getTarget();
    }
  }

  /** Key of a dead letter: its event id when known, so retries of one input group together. */
  static final class DeadLetterKey implements KeyExtractor<DeadLetter> {
    @Override
    public String key(DeadLetter deadLetter) {
      return deadLetter.getEventId();
    }
  }
}
