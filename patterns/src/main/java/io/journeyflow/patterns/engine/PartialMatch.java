package io.journeyflow.patterns.engine;

import io.journeyflow.schema.CustomerEvent;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * One partial (or completed, not yet emitted) match of a fast rule: the events taken so far,
 * one per slot, and the event-time keys CEP orders and prunes partial matches by.
 */
final class PartialMatch implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Event k was taken by slot k: supported shapes never skip a slot. */
  final List<StoredEvent> events;
  /** Timestamp and event id of the first event: CEP's start event id orders matches. */
  final long startTs;
  final StoredId startId;
  /** Of the last event: a match prunes everything that started at or before it. */
  final long lastTs;
  final StoredId lastId;
  /** No event has been seen since the last take (what a strict absence looks at). */
  final boolean fresh;

  private PartialMatch(List<StoredEvent> events, long startTs, StoredId startId, long lastTs,
      StoredId lastId, boolean fresh) {
    this.events = events;
    this.startTs = startTs;
    this.startId = startId;
    this.lastTs = lastTs;
    this.lastId = lastId;
    this.fresh = fresh;
  }

  static PartialMatch start(CustomerEvent event, long timestamp) {
    List<StoredEvent> events = new ArrayList<>(2);
    events.add(StoredEvent.of(event));
    StoredId id = StoredId.of(event.getEventId());
    return new PartialMatch(events, timestamp, id, timestamp, id, true);
  }

  /** A partial match read back from state. */
  static PartialMatch restore(List<StoredEvent> events, long startTs, StoredId startId,
      long lastTs, StoredId lastId, boolean fresh) {
    return new PartialMatch(events, startTs, startId, lastTs, lastId, fresh);
  }

  PartialMatch take(CustomerEvent event, long timestamp) {
    List<StoredEvent> more = new ArrayList<>(events.size() + 1);
    more.addAll(events);
    more.add(StoredEvent.of(event));
    return new PartialMatch(more, startTs, startId, timestamp,
        StoredId.of(event.getEventId()), true);
  }

  PartialMatch seen() {
    return fresh ? new PartialMatch(events, startTs, startId, lastTs, lastId, false) : this;
  }

  /** The event taken by slot {@code k}. */
  CustomerEvent event(int k) {
    return events.get(k).get();
  }

  int taken() {
    return events.size();
  }

  /** CEP's order of partial matches: by start event (timestamp, then id). */
  static int byStart(PartialMatch a, PartialMatch b) {
    return compare(a.startTs, a.startId, b.startTs, b.startId);
  }

  /** {@link EventKeys#compare}, decoding the ids only for equal timestamps. */
  static int compare(long ts1, StoredId id1, long ts2, StoredId id2) {
    return ts1 != ts2 ? Long.compare(ts1, ts2) : EventKeys.compare(ts1, id1.text(), ts2,
        id2.text());
  }
}
