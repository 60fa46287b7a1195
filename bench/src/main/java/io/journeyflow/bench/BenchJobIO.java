package io.journeyflow.bench;

import io.journeyflow.connectors.ConnectorTypes;
import io.journeyflow.jobs.io.JobIO;
import io.journeyflow.jobs.io.KafkaJobIO;
import io.journeyflow.schema.Action;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.DeadLetter;
import io.journeyflow.schema.Decision;
import io.journeyflow.schema.ErasureConfirmation;
import io.journeyflow.schema.IdentityConflict;
import io.journeyflow.schema.IdentityMerged;
import io.journeyflow.schema.JourneyMetrics;
import io.journeyflow.schema.internal.ControlRecord;
import io.journeyflow.schema.internal.IdentityMessage;
import io.journeyflow.schema.SuppressionSignal;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;

/**
 * The production Kafka wiring ({@link KafkaJobIO}: Avro source, exactly-once Avro sinks) with a
 * {@link Probe} chained to the source, so the harness knows how many events the job consumed and
 * when. Bounded: the source stops at the offsets that are latest when the job starts (a
 * pre-loaded topic); unbounded for latency runs.
 */
public final class BenchJobIO implements JobIO {

  private final KafkaJobIO kafka;
  private final String run;

  public BenchJobIO(ReadableConfig config, boolean bounded, String run) {
    this.kafka = new KafkaJobIO(config, bounded);
    this.run = run;
  }

  @Override
  public DataStream<Either<DeadLetter, CustomerEvent>> events(
      StreamExecutionEnvironment env, WatermarkStrategy<Either<DeadLetter, CustomerEvent>> wm) {
    return kafka.events(env, wm)
        .map(new Probe(run), ConnectorTypes.decodedType())
        .uid("bench-probe")
        .name("bench probe");
  }

  @Override
  public DataStream<Either<DeadLetter, ControlRecord>> policyUpdates(
      StreamExecutionEnvironment env) {
    return kafka.policyUpdates(env);
  }

  @Override
  public void journeyMetrics(DataStream<JourneyMetrics> metrics) {
    kafka.journeyMetrics(metrics);
  }

  @Override
  public void actions(DataStream<Action> actions) {
    kafka.actions(actions);
  }

  @Override
  public void suppressions(DataStream<SuppressionSignal> signals) {
    kafka.suppressions(signals);
  }

  @Override
  public void deadLetters(DataStream<DeadLetter> deadLetters) {
    kafka.deadLetters(deadLetters);
  }

  @Override
  public void decisions(DataStream<Decision> decisions) {
    kafka.decisions(decisions);
  }

  @Override
  public void erasures(DataStream<ErasureConfirmation> erasures) {
    kafka.erasures(erasures);
  }

  @Override
  public boolean hasIdentityLoop() {
    return kafka.hasIdentityLoop();
  }

  @Override
  public DataStream<Either<DeadLetter, IdentityMessage>> identityLinks(
      StreamExecutionEnvironment env) {
    return kafka.identityLinks(env);
  }

  @Override
  public void identityLinksOut(DataStream<IdentityMessage> links) {
    kafka.identityLinksOut(links);
  }

  @Override
  public void identityMerges(DataStream<IdentityMerged> merges) {
    kafka.identityMerges(merges);
  }

  @Override
  public void identityConflicts(DataStream<IdentityConflict> conflicts) {
    kafka.identityConflicts(conflicts);
  }
}
