package io.journeyflow.jobs.io;

import io.journeyflow.connectors.ConnectorTypes;
import io.journeyflow.jobs.Uids;
import io.journeyflow.schema.Action;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.DeadLetter;
import io.journeyflow.schema.Decision;
import io.journeyflow.schema.ErasureConfirmation;
import io.journeyflow.schema.IdentityConflict;
import io.journeyflow.schema.IdentityMerged;
import io.journeyflow.schema.JourneyMetrics;
import io.journeyflow.schema.SuppressionSignal;
import io.journeyflow.schema.internal.ControlRecord;
import io.journeyflow.schema.internal.IdentityMessage;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;

/**
 * Where the job reads and writes: Kafka in production, files for replay, collections in tests.
 * Implementations give sources and sinks the stable uids from {@link io.journeyflow.jobs.Uids}.
 */
public interface JobIO {

  /** Decoded input: Right is an event, Left a dead letter from decoding. */
  DataStream<Either<DeadLetter, CustomerEvent>> events(
      StreamExecutionEnvironment env, WatermarkStrategy<Either<DeadLetter, CustomerEvent>> wm);

  /**
   * Policy updates from the control topic (Left: records that are not text); by default none.
   * Their watermarks are ignored (see {@link io.journeyflow.jobs.operators.JourneyOperator}).
   */
  default DataStream<Either<DeadLetter, ControlRecord>> policyUpdates(
      StreamExecutionEnvironment env) {
    // No control topic: the policies the job started with stay in force.
    return NoRecords.stream(env, Uids.SOURCE_POLICIES, "no policy updates",
        ConnectorTypes.avro(ControlRecord.class));
  }

  void actions(DataStream<Action> actions);

  void suppressions(DataStream<SuppressionSignal> signals);

  void deadLetters(DataStream<DeadLetter> deadLetters);

  /** One decision record per candidate action: why it was sent, or not. */
  void decisions(DataStream<Decision> decisions);

  /** Journey analytics: one record per rule and event-time window. */
  void journeyMetrics(DataStream<JourneyMetrics> metrics);

  /** One confirmation per customer.erase request. */
  void erasures(DataStream<ErasureConfirmation> erasures);

  /**
   * Whether the job has a loop topic for identity resolution. Without one (replay, tests) the
   * identity graph and the journeys deliver their loop records in place, at once, which needs
   * every key on one subtask: parallelism 1.
   */
  default boolean hasIdentityLoop() {
    return false;
  }

  /**
   * Identity resolution's loop, read side: labels the identity graph sent itself (Left:
   * records that do not decode); none without a loop topic. Its watermarks are ignored
   * ({@link io.journeyflow.jobs.operators.IdentityOperator}).
   */
  default DataStream<Either<DeadLetter, IdentityMessage>> identityLinks(
      StreamExecutionEnvironment env) {
    return NoRecords.stream(env, Uids.SOURCE_IDENTITY_LINKS, "no identity loop",
        ConnectorTypes.avro(IdentityMessage.class));
  }

  /** Identity resolution's loop, write side; only called when there is a loop topic. */
  default void identityLinksOut(DataStream<IdentityMessage> links) {
    throw new UnsupportedOperationException("no identity loop topic");
  }

  /** Links refused because they would have joined two customers with strong identifiers. */
  void identityConflicts(DataStream<IdentityConflict> conflicts);

  /** Customers found to be one: an IdentityMerged record per absorbed customer. */
  void identityMerges(DataStream<IdentityMerged> merges);
}
