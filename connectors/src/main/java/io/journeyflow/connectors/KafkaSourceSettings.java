package io.journeyflow.connectors;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * Where and how to read events from Kafka. {@code startingOffsets}: earliest, latest or
 * committed-or-earliest; {@code bounded}: stop at the offsets that are latest at start.
 */
public record KafkaSourceSettings(
    String bootstrapServers,
    List<String> topics,
    String groupId,
    InputFormat format,
    String startingOffsets,
    boolean bounded,
    Map<String, String> properties)
    implements Serializable {}
