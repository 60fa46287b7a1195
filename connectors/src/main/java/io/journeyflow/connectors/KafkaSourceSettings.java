package io.journeyflow.connectors;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where and how to read events from Kafka.
 *
 * @param bootstrapServers Kafka bootstrap servers, {@code host:port,...}
 * @param topics input topics, at least one
 * @param groupId consumer group: offsets are committed to it on checkpoints (for monitoring
 *     and for {@code committed-or-earliest}; Flink's own position is in its checkpoints)
 * @param format how record values are encoded
 * @param startingOffsets where a job without a checkpoint starts: {@code earliest},
 *     {@code latest} or {@code committed-or-earliest} (default when null)
 * @param bounded stop at the offsets that are latest when the job starts (tests, catch-up runs)
 * @param properties extra Kafka consumer properties; they win over the defaults, e.g.
 *     {@code isolation.level} (default {@code read_committed})
 */
public record KafkaSourceSettings(
    String bootstrapServers,
    List<String> topics,
    String groupId,
    InputFormat format,
    String startingOffsets,
    boolean bounded,
    Map<String, String> properties)
    implements Serializable {

  public static final String DEFAULT_STARTING_OFFSETS = "committed-or-earliest";

  /** Checks everything that can be checked before the job runs. */
  public KafkaSourceSettings {
    requireText(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(topics, "topics");
    if (topics.isEmpty() || topics.stream().anyMatch(t -> t == null || t.isBlank())) {
      throw new IllegalArgumentException("topics must name at least one topic, got " + topics);
    }
    requireText(groupId, "groupId");
    Objects.requireNonNull(format, "format");
    startingOffsets = startingOffsets == null ? DEFAULT_STARTING_OFFSETS : startingOffsets;
    KafkaEventSource.startingOffsets(startingOffsets); // fails on an unknown value
    // Immutable copies are serializable and cannot change under a built source.
    topics = List.copyOf(topics);
    properties = properties == null ? Map.of() : Map.copyOf(properties);
  }

  /** Unbounded, from committed offsets or the earliest, no extra properties. */
  public static KafkaSourceSettings of(
      String bootstrapServers, List<String> topics, String groupId, InputFormat format) {
    return new KafkaSourceSettings(
        bootstrapServers, topics, groupId, format, DEFAULT_STARTING_OFFSETS, false, Map.of());
  }

  public KafkaSourceSettings withBounded(boolean bounded) {
    return new KafkaSourceSettings(
        bootstrapServers, topics, groupId, format, startingOffsets, bounded, properties);
  }

  public KafkaSourceSettings withStartingOffsets(String startingOffsets) {
    return new KafkaSourceSettings(
        bootstrapServers, topics, groupId, format, startingOffsets, bounded, properties);
  }

  public KafkaSourceSettings withProperties(Map<String, String> properties) {
    return new KafkaSourceSettings(
        bootstrapServers, topics, groupId, format, startingOffsets, bounded, properties);
  }

  static void requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
  }
}
