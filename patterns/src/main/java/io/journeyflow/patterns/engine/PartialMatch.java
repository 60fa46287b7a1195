package io.journeyflow.patterns.engine;

import io.journeyflow.schema.CustomerEvent;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * One partial (or completed, not yet emitted) match of a fast rule: the events taken so far,
 * one per slot, and the event-time keys CEP orders and prunes partial matches by.
 *
 * <p>One read from state is a view of its stored bytes: its times are read at once, its ids
 * and events only when something looks at them, and it is written back as the same bytes
 * unless the engine replaced it. A busy customer keeps thousands of partial matches of one
 * rule, and an event of the rule's types reads and writes them all while changing few.
 */
final class PartialMatch implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Event k was taken by slot k: supported shapes never skip a slot. Built when first used. */
  private List<StoredEvent> events;
  private final int taken;
  /** Timestamp and event id of the first event: CEP's start event id orders matches. */
  final long startTs;
  final StoredId startId;
  /** Of the last event: a match prunes everything that started at or before it. */
  final long lastTs;
  final StoredId lastId;
  /**
   * No event has been seen since the last take (what a strict absence looks at; kept up to
   * date only in rules that have one).
   */
  final boolean fresh;
  /**
   * The first event's entity id (correlation compares it with every candidate event), or null
   * when not known without decoding the event (a state of an older format).
   */
  private final StoredId firstEntity;

  /** The stored entry this was read from (format 3), or null: written back as it is. */
  private transient byte[] raw;
  private transient int rawOffset;
  private transient int rawLength;
  /** Where the first event's length is in {@link #raw}. */
  private transient int eventsOffset;
  private transient TypeSerializer<CustomerEvent> decoder;

  private PartialMatch(List<StoredEvent> events, int taken, long startTs, StoredId startId,
      long lastTs, StoredId lastId, boolean fresh, StoredId firstEntity) {
    this.events = events;
    this.taken = taken;
    this.startTs = startTs;
    this.startId = startId;
    this.lastTs = lastTs;
    this.lastId = lastId;
    this.fresh = fresh;
    this.firstEntity = firstEntity;
  }

  static PartialMatch start(CustomerEvent event, long timestamp) {
    List<StoredEvent> events = new ArrayList<>(2);
    events.add(StoredEvent.of(event));
    StoredId id = StoredId.of(event.getEventId());
    return new PartialMatch(events, 1, timestamp, id, timestamp, id, true,
        StoredId.of(event.getEntityId()));
  }

  /** A partial match read back from an older state format. */
  static PartialMatch restore(List<StoredEvent> events, long startTs, StoredId startId,
      long lastTs, StoredId lastId, boolean fresh) {
    return new PartialMatch(events, events.size(), startTs, startId, lastTs, lastId, fresh,
        null);
  }

  /**
   * The entry of {@code length} bytes at {@code offset} of {@code raw}, as {@link #write}
   * stored it (after its length): start and last time, fresh, start and last id, the first
   * event's entity id, the count of events, each event after its length.
   */
  static PartialMatch stored(byte[] raw, int offset, int length,
      TypeSerializer<CustomerEvent> decoder) {
    int at = offset;
    long startTs = Bytes.getLong(raw, at);
    long lastTs = Bytes.getLong(raw, at + 8);
    boolean fresh = raw[at + 16] != 0;
    at += 17;
    StoredId startId = StoredId.slice(raw, at);
    at += StoredId.storedSize(raw, at);
    StoredId lastId = StoredId.slice(raw, at);
    at += StoredId.storedSize(raw, at);
    StoredId firstEntity = StoredId.slice(raw, at);
    at += StoredId.storedSize(raw, at);
    int taken = Bytes.getInt(raw, at);
    PartialMatch p = new PartialMatch(null, taken, startTs, startId, lastTs, lastId, fresh,
        firstEntity);
    p.raw = raw;
    p.rawOffset = offset;
    p.rawLength = length;
    p.eventsOffset = at + 4;
    p.decoder = decoder;
    return p;
  }

  /** Writes the entry {@link #stored} reads, without its length. */
  void write(DataOutputSerializer out, TypeSerializer<CustomerEvent> encoder,
      DataOutputSerializer scratch) throws IOException {
    if (raw != null) {
      out.write(raw, rawOffset, rawLength);
      return;
    }
    out.writeLong(startTs);
    out.writeLong(lastTs);
    out.writeBoolean(fresh);
    startId.write(out);
    lastId.write(out);
    (firstEntity != null ? firstEntity : StoredId.of(firstEntity())).write(out);
    out.writeInt(taken);
    for (StoredEvent e : events()) {
      e.write(out, encoder, scratch);
    }
  }

  /** The events, one per slot taken (views of the stored bytes until one is read). */
  List<StoredEvent> events() {
    if (events == null) {
      List<StoredEvent> list = new ArrayList<>(taken + 1);
      int at = eventsOffset;
      for (int k = 0; k < taken; k++) {
        int length = Bytes.getInt(raw, at);
        list.add(StoredEvent.slice(raw, at + 4, length, decoder));
        at += 4 + length;
      }
      events = list;
    }
    return events;
  }

  PartialMatch take(CustomerEvent event, long timestamp) {
    List<StoredEvent> more = new ArrayList<>(taken + 1);
    more.addAll(events());
    more.add(StoredEvent.of(event));
    return new PartialMatch(more, taken + 1, startTs, startId, timestamp,
        StoredId.of(event.getEventId()), true, firstEntity);
  }

  PartialMatch seen() {
    return fresh
        ? new PartialMatch(events(), taken, startTs, startId, lastTs, lastId, false,
            firstEntity)
        : this;
  }

  /** The event taken by slot {@code k}. */
  CustomerEvent event(int k) {
    return events().get(k).get();
  }

  /** The entity id of the first event taken (slot 0), or null. */
  String firstEntity() {
    return firstEntity != null ? firstEntity.text() : event(0).getEntityId();
  }

  int taken() {
    return taken;
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

  private void writeObject(ObjectOutputStream out) throws IOException {
    events(); // Java serialization keeps the events, not the stored bytes
    out.defaultWriteObject();
  }
}
