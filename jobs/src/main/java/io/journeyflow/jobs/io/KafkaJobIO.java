package io.journeyflow.jobs.io;

import io.journeyflow.connectors.InputFormat;
import io.journeyflow.connectors.KafkaControlSource;
import io.journeyflow.connectors.KafkaEventSource;
import io.journeyflow.connectors.KafkaRecordSource;
import io.journeyflow.connectors.KafkaSinkSettings;
import io.journeyflow.connectors.KafkaSinks;
import io.journeyflow.connectors.KafkaSourceSettings;
import io.journeyflow.jobs.Uids;
import io.journeyflow.jobs.config.JobOptions;
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
import io.journeyflow.schema.history.LoopRecords;
import io.journeyflow.schema.internal.IdentityMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;

/** Production wiring: events from Kafka topics, actions, signals and dead letters to Kafka. */
public final class KafkaJobIO implements JobIO {

  private final ReadableConfig config;
  private final boolean bounded;

  public KafkaJobIO(ReadableConfig config) {
    this(config, false);
  }

  /** With {@code bounded}, the source stops at the offsets that are latest at start (tests). */
  public KafkaJobIO(ReadableConfig config, boolean bounded) {
    this.config = config;
    this.bounded = bounded;
  }

  @Override
  public boolean hasIdentityLoop() {
    return true;
  }

  @Override
  public DataStream<Either<DeadLetter, IdentityMessage>> identityLinks(
      StreamExecutionEnvironment env) {
    return env.fromSource(
            KafkaRecordSource.build(
                config.get(JobOptions.BOOTSTRAP_SERVERS),
                config.get(JobOptions.IDENTITY_LINKS_TOPIC),
                config.get(JobOptions.GROUP_ID) + "-identity",
                IdentityMessage.class,
                LoopRecords::identityMessage,
                JobOptions.kafkaProperties(config)),
            WatermarkStrategy.noWatermarks(),
            "kafka identity links")
        .uid(Uids.SOURCE_IDENTITY_LINKS);
  }

  @Override
  public void identityLinksOut(DataStream<IdentityMessage> links) {
    // Labels only improve and a repeated one changes nothing: at-least-once is enough, and a
    // label is seen at once instead of after the next checkpoint.
    links
        .sinkTo(KafkaSinks.avro(sinkSettings().withGuarantee(DeliveryGuarantee.AT_LEAST_ONCE),
            config.get(JobOptions.IDENTITY_LINKS_TOPIC), new Keys.IdentityMessageKey()))
        .uid(Uids.SINK_IDENTITY_LINKS)
        .name("kafka identity links");
  }

  @Override
  public void identityMerges(DataStream<IdentityMerged> merges) {
    merges
        .sinkTo(KafkaSinks.avro(sinkSettings(), config.get(JobOptions.IDENTITY_TOPIC),
            new Keys.IdentityMergedKey()))
        .uid(Uids.SINK_IDENTITY)
        .name("kafka identity merges");
  }

  @Override
  public void identityConflicts(DataStream<IdentityConflict> conflicts) {
    conflicts
        .sinkTo(KafkaSinks.avro(sinkSettings(),
            config.get(JobOptions.IDENTITY_CONFLICTS_TOPIC), new Keys.IdentityConflictKey()))
        .uid(Uids.SINK_IDENTITY_CONFLICTS)
        .name("kafka identity conflicts");
  }

  /** Every topic the job reads or writes, for {@link JobOptions#CHECK_TOPICS}. */
  public static List<String> topics(ReadableConfig config) {
    List<String> topics = new ArrayList<>(config.get(JobOptions.INPUT_TOPICS));
    topics.addAll(List.of(
        config.get(JobOptions.POLICIES_TOPIC),
        config.get(JobOptions.ACTIONS_TOPIC),
        config.get(JobOptions.SUPPRESSIONS_TOPIC),
        config.get(JobOptions.DEAD_LETTER_TOPIC),
        config.get(JobOptions.DECISIONS_TOPIC),
        config.get(JobOptions.ERASURES_TOPIC),
        config.get(JobOptions.JOURNEY_METRICS_TOPIC)));
    if (config.get(JobOptions.IDENTITY_RESOLUTION)) {
      topics.add(config.get(JobOptions.IDENTITY_TOPIC));
      topics.add(config.get(JobOptions.IDENTITY_CONFLICTS_TOPIC));
      topics.add(config.get(JobOptions.IDENTITY_LINKS_TOPIC));
    }
    return topics;
  }

  @Override
  public DataStream<Either<DeadLetter, CustomerEvent>> events(
      StreamExecutionEnvironment env, WatermarkStrategy<Either<DeadLetter, CustomerEvent>> wm) {
    KafkaSourceSettings settings =
        new KafkaSourceSettings(
            config.get(JobOptions.BOOTSTRAP_SERVERS),
            config.get(JobOptions.INPUT_TOPICS),
            config.get(JobOptions.GROUP_ID),
            InputFormat.parse(config.get(JobOptions.INPUT_FORMAT)),
            config.get(JobOptions.STARTING_OFFSETS),
            bounded,
            JobOptions.kafkaProperties(config));
    return env.fromSource(KafkaEventSource.build(settings), wm, "kafka events")
        .uid(Uids.SOURCE_EVENTS);
  }

  @Override
  public DataStream<Either<DeadLetter, ControlRecord>> policyUpdates(
      StreamExecutionEnvironment env) {
    return env.fromSource(
            KafkaControlSource.build(
                config.get(JobOptions.BOOTSTRAP_SERVERS),
                config.get(JobOptions.POLICIES_TOPIC),
                config.get(JobOptions.GROUP_ID) + "-policies",
                bounded,
                JobOptions.kafkaProperties(config)),
            WatermarkStrategy.noWatermarks(),
            "kafka policy updates")
        .uid(Uids.SOURCE_POLICIES)
        .setParallelism(1);
  }

  @Override
  public void actions(DataStream<Action> actions) {
    actions
        .sinkTo(KafkaSinks.avro(sinkSettings(), config.get(JobOptions.ACTIONS_TOPIC),
            new Keys.ActionKey()))
        .uid(Uids.SINK_ACTIONS)
        .name("kafka actions");
  }

  @Override
  public void suppressions(DataStream<SuppressionSignal> signals) {
    signals
        .sinkTo(KafkaSinks.avro(sinkSettings(), config.get(JobOptions.SUPPRESSIONS_TOPIC),
            new Keys.SignalKey()))
        .uid(Uids.SINK_SUPPRESSIONS)
        .name("kafka suppressions");
  }

  @Override
  public void deadLetters(DataStream<DeadLetter> deadLetters) {
    deadLetters
        .sinkTo(KafkaSinks.avro(sinkSettings(), config.get(JobOptions.DEAD_LETTER_TOPIC),
            new Keys.DeadLetterKey()))
        .uid(Uids.SINK_DEAD_LETTERS)
        .name("kafka dead letters");
  }

  @Override
  public void decisions(DataStream<Decision> decisions) {
    decisions
        .sinkTo(KafkaSinks.avro(sinkSettings(), config.get(JobOptions.DECISIONS_TOPIC),
            new Keys.DecisionKey()))
        .uid(Uids.SINK_DECISIONS)
        .name("kafka decisions");
  }

  @Override
  public void erasures(DataStream<ErasureConfirmation> erasures) {
    erasures
        .sinkTo(KafkaSinks.avro(sinkSettings(), config.get(JobOptions.ERASURES_TOPIC),
            new Keys.ErasureKey()))
        .uid(Uids.SINK_ERASURES)
        .name("kafka erasures");
  }

  @Override
  public void journeyMetrics(DataStream<JourneyMetrics> metrics) {
    metrics
        .sinkTo(KafkaSinks.avro(sinkSettings(), config.get(JobOptions.JOURNEY_METRICS_TOPIC),
            new Keys.MetricsKey()))
        .uid(Uids.SINK_JOURNEY_METRICS)
        .name("kafka journey metrics");
  }

  private KafkaSinkSettings sinkSettings() {
    return new KafkaSinkSettings(
        config.get(JobOptions.BOOTSTRAP_SERVERS),
        guarantee(config.get(JobOptions.DELIVERY_GUARANTEE)),
        config.get(JobOptions.TRANSACTIONAL_ID_PREFIX),
        config.get(JobOptions.TRANSACTION_TIMEOUT),
        JobOptions.kafkaProperties(config),
        config.get(JobOptions.RECORD_TIMESTAMP));
  }

  static DeliveryGuarantee guarantee(String value) {
    switch (value.toLowerCase(Locale.ROOT).replace('_', '-')) {
      case "exactly-once":
        return DeliveryGuarantee.EXACTLY_ONCE;
      case "at-least-once":
        return DeliveryGuarantee.AT_LEAST_ONCE;
      case "none":
        return DeliveryGuarantee.NONE;
      default:
        throw new IllegalArgumentException(
            "unknown delivery guarantee '" + value + "': use exactly-once, at-least-once or none");
    }
  }
}
