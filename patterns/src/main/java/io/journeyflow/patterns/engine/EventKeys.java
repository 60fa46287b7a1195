package io.journeyflow.patterns.engine;

/**
 * The order in which Flink CEP processes one customer's events in event time: by timestamp,
 * then, for equal timestamps, by event id (the job's {@code EventOrder} comparator). CEP's event
 * ids grow in that order, so comparing these keys compares CEP's event ids.
 */
public final class EventKeys {

  private EventKeys() {}

  public static int compare(long ts1, String id1, long ts2, String id2) {
    int byTime = Long.compare(ts1, ts2);
    return byTime != 0 ? byTime : id1.compareTo(id2);
  }
}
