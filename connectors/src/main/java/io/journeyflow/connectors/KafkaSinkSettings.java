package io.journeyflow.connectors;

import java.io.Serializable;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * How to write to Kafka. With EXACTLY_ONCE, records are committed on checkpoints: the
 * transaction timeout must exceed the checkpoint interval plus the longest checkpoint and
 * recovery, and be at most the broker's {@code transaction.max.timeout.ms}.
 */
public record KafkaSinkSettings(
    String bootstrapServers,
    DeliveryGuarantee guarantee,
    String transactionalIdPrefix,
    Duration transactionTimeout,
    Map<String, String> properties)
    implements Serializable {}
