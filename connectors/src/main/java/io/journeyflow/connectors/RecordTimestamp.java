package io.journeyflow.connectors;

/**
 * Which time the Kafka sinks put in a record's timestamp.
 *
 * <p>Brokers delete a segment once its newest record timestamp is older than the topic's
 * {@code retention.ms} (7 days by default) and roll segments by the span of record timestamps
 * ({@code segment.ms}). Output stamped with event time therefore disappears right after it is
 * written whenever the job processes events older than the retention, as a replay or backfill
 * of history does: committed, then silently gone. Write time cannot be older than retention.
 */
public enum RecordTimestamp {
  /** The time the sink writes the record (the producer's clock): the safe default. */
  WRITE_TIME,
  /**
   * The record's Flink timestamp (the event time of what it was decided on). Only for topics
   * whose retention covers the age of the data, or with {@code message.timestamp.type=
   * LogAppendTime} on the topic.
   */
  EVENT_TIME
}
