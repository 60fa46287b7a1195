package io.journeyflow.connectors;

import java.io.Serializable;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * How to write to Kafka.
 *
 * @param bootstrapServers Kafka bootstrap servers, {@code host:port,...}
 * @param guarantee {@code EXACTLY_ONCE} (default when null): records are written in Kafka
 *     transactions committed on Flink checkpoints, so read_committed consumers see each record
 *     once and only after the checkpoint; {@code AT_LEAST_ONCE}: flushed on checkpoints,
 *     duplicates after a failure; {@code NONE}: no guarantee
 * @param transactionalIdPrefix required with EXACTLY_ONCE. Must be unique per job on the Kafka
 *     cluster (two jobs, or two runs that must not fence each other, need different prefixes);
 *     each sink appends its topic, so the sinks of one job never share transactional ids
 * @param transactionTimeout Kafka's {@code transaction.timeout.ms} (default 15 minutes when
 *     null). A transaction stays open from one checkpoint until the next one completes, and
 *     across a failure until the job restores: the timeout must exceed the checkpoint interval
 *     plus the longest checkpoint plus the restart time, or the broker aborts the transaction
 *     and its records are lost. It must also be at most the broker's {@code
 *     transaction.max.timeout.ms} (default 15 minutes), or the producer fails to start.
 * @param properties extra Kafka producer properties
 * @param recordTimestamp the timestamp of written records (default {@link
 *     RecordTimestamp#WRITE_TIME} when null; see there why event time is dangerous)
 */
public record KafkaSinkSettings(
    String bootstrapServers,
    DeliveryGuarantee guarantee,
    String transactionalIdPrefix,
    Duration transactionTimeout,
    Map<String, String> properties,
    RecordTimestamp recordTimestamp)
    implements Serializable {

  public static final Duration DEFAULT_TRANSACTION_TIMEOUT = Duration.ofMinutes(15);

  /** Fills defaults and checks everything that can be checked before the job runs. */
  public KafkaSinkSettings {
    KafkaSourceSettings.requireText(bootstrapServers, "bootstrapServers");
    guarantee = guarantee == null ? DeliveryGuarantee.EXACTLY_ONCE : guarantee;
    if (guarantee == DeliveryGuarantee.EXACTLY_ONCE
        && (transactionalIdPrefix == null || transactionalIdPrefix.isBlank())) {
      throw new IllegalArgumentException(
          "EXACTLY_ONCE needs a transactionalIdPrefix that is unique per job on the cluster");
    }
    transactionTimeout =
        transactionTimeout == null ? DEFAULT_TRANSACTION_TIMEOUT : transactionTimeout;
    if (transactionTimeout.isNegative() || transactionTimeout.isZero()
        || transactionTimeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "transactionTimeout must be positive and fit Kafka's int milliseconds, got "
              + transactionTimeout);
    }
    properties = properties == null ? Map.of() : Map.copyOf(properties);
    recordTimestamp = recordTimestamp == null ? RecordTimestamp.WRITE_TIME : recordTimestamp;
  }

  /** Records stamped with their write time. */
  public KafkaSinkSettings(
      String bootstrapServers,
      DeliveryGuarantee guarantee,
      String transactionalIdPrefix,
      Duration transactionTimeout,
      Map<String, String> properties) {
    this(bootstrapServers, guarantee, transactionalIdPrefix, transactionTimeout, properties,
        null);
  }

  /** EXACTLY_ONCE with the default transaction timeout and no extra properties. */
  public static KafkaSinkSettings exactlyOnce(
      String bootstrapServers, String transactionalIdPrefix) {
    return new KafkaSinkSettings(
        bootstrapServers, DeliveryGuarantee.EXACTLY_ONCE, transactionalIdPrefix,
        DEFAULT_TRANSACTION_TIMEOUT, Map.of(), RecordTimestamp.WRITE_TIME);
  }

  public KafkaSinkSettings withGuarantee(DeliveryGuarantee guarantee) {
    return new KafkaSinkSettings(
        bootstrapServers, guarantee, transactionalIdPrefix, transactionTimeout, properties,
        recordTimestamp);
  }

  public KafkaSinkSettings withTransactionTimeout(Duration transactionTimeout) {
    return new KafkaSinkSettings(
        bootstrapServers, guarantee, transactionalIdPrefix, transactionTimeout, properties,
        recordTimestamp);
  }

  public KafkaSinkSettings withProperties(Map<String, String> properties) {
    return new KafkaSinkSettings(
        bootstrapServers, guarantee, transactionalIdPrefix, transactionTimeout, properties,
        recordTimestamp);
  }

  public KafkaSinkSettings withRecordTimestamp(RecordTimestamp recordTimestamp) {
    return new KafkaSinkSettings(
        bootstrapServers, guarantee, transactionalIdPrefix, transactionTimeout, properties,
        recordTimestamp);
  }
}
