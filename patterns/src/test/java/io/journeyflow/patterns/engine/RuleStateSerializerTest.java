package io.journeyflow.patterns.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyflow.patterns.RuleLoader;
import io.journeyflow.schema.CustomerEvent;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;
import org.junit.jupiter.api.Test;

/**
 * The fast engine's state format: lazy events and ids, and states of formats 1 and 2 migrated on
 * restore.
 */
class RuleStateSerializerTest {

  private static final FastRule RULE = FastRule.compile(RuleLoader.parse("r.yaml", """
      id: two-steps
      version: 1
      journey: test
      within: 1h
      correlateBy: entityId
      steps:
        - name: failed
          eventTypes: [payment.failed]
        - name: posted
          eventTypes: [billing.adjustment.posted]
      actions:
        - type: NOTE
      """)).orElseThrow();

  /** Two partial matches on different invoices, one of them held back complete. */
  private static RuleState state() throws Exception {
    RuleState state = new RuleState();
    long t = 0;
    // One id beyond ASCII: stored as UTF-16 chars, the others as plain bytes.
    for (CustomerEvent event : List.of(e("f1-\u00e9\ud83d\ude00", "payment.failed", 1, "inv-1",
        Map.of("n", 1L)),
        e("f2", "payment.failed", 2, "inv-2", Map.of()),
        e("p2", "billing.adjustment.posted", 3, "inv-2", Map.of()))) {
      t = event.getOccurredAt().toEpochMilli();
      RULE.process(state, event, t);
    }
    assertThat(state.size()).isEqualTo(2);
    return state;
  }

  private static CustomerEvent e(String id, String type, long minute, String invoice,
      Map<String, Object> attributes) {
    return CustomerEvent.newBuilder().setEventId(id).setEventType(type).setSource("test")
        .setOccurredAt(Instant.ofEpochSecond(60 * minute))
        .setIdentities(new HashMap<>(Map.of("customerId", "c1"))).setEntityId(invoice)
        .setAttributes(new HashMap<>(attributes)).build();
  }

  private static RuleStateSerializer serializer() {
    return new RuleStateSerializer(new AvroSerializer<>(CustomerEvent.class));
  }

  private static byte[] write(TypeSerializer<RuleState> serializer, RuleState state)
      throws Exception {
    DataOutputSerializer out = new DataOutputSerializer(256);
    serializer.serialize(state, out);
    return out.getCopyOfBuffer();
  }

  @Test
  void aStateReadBackIsWrittenAgainWithoutDecodingItsEvents() throws Exception {
    RuleState original = state();
    byte[] bytes = write(serializer(), original);
    RuleState read = serializer().deserialize(new DataInputDeserializer(bytes));

    // Written back untouched: the same bytes, and no event or id was decoded for it.
    assertThat(write(serializer(), read)).isEqualTo(bytes);
    for (List<PartialMatch> list : List.of(read.partials, read.completed)) {
      for (PartialMatch p : list) {
        assertThat(p.events()).allSatisfy(e -> assertThat(e).extracting("event").isNull());
        assertThat(List.of(p.startId, p.lastId)).allSatisfy(
            id -> assertThat(id).extracting("text").isNull());
      }
    }
    // Read when needed: the same events, ids and times.
    assertThat(read.partials).hasSameSizeAs(original.partials);
    for (int i = 0; i < read.partials.size(); i++) {
      PartialMatch a = original.partials.get(i);
      PartialMatch b = read.partials.get(i);
      assertThat(List.of(b.startTs, b.startId, b.lastTs, b.lastId, b.fresh))
          .isEqualTo(List.of(a.startTs, a.startId, a.lastTs, a.lastId, a.fresh));
      // The first event's entity (what correlation compares) is there without decoding it.
      assertThat(b.firstEntity()).isEqualTo(a.firstEntity()).isNotNull();
      assertThat(b.events().get(0)).extracting("event").isNull();
      assertThat(b.event(0)).isEqualTo(a.event(0));
    }
    // And the engine goes on from it: the second invoice's match is released on time.
    assertThat(RULE.advanceTime(read, 3_600_000L * 2)).isNotNull();
  }

  @Test
  void aFormatOneStateFromAnOlderSavepointIsMigrated() throws Exception {
    RuleState original = state();
    assertMigrated(1, olderFormat(original, 1), original);
  }

  @Test
  void aFormatTwoStateFromAnOlderSavepointIsMigrated() throws Exception {
    RuleState original = state();
    assertMigrated(2, olderFormat(original, 2), original);
  }

  /**
   * {@code state} as an earlier serializer wrote it: format 1 without lengths or ids, events
   * inline; format 2 with the ids in modified UTF-8 and each event after its length.
   */
  private static byte[] olderFormat(RuleState state, int format) throws Exception {
    AvroSerializer<CustomerEvent> avro = new AvroSerializer<>(CustomerEvent.class);
    DataOutputSerializer old = new DataOutputSerializer(256);
    for (List<PartialMatch> list : List.of(state.partials, state.completed)) {
      old.writeInt(list.size());
      for (PartialMatch p : list) {
        old.writeLong(p.startTs);
        old.writeLong(p.lastTs);
        old.writeBoolean(p.fresh);
        if (format == 2) {
          old.writeUTF(p.startId.text());
          old.writeUTF(p.lastId.text());
        }
        old.writeInt(p.taken());
        for (int k = 0; k < p.taken(); k++) {
          if (format == 1) {
            avro.serialize(p.event(k), old);
            continue;
          }
          DataOutputSerializer event = new DataOutputSerializer(128);
          avro.serialize(p.event(k), event);
          old.writeInt(event.length());
          old.write(event.getSharedBuffer(), 0, event.length());
        }
      }
    }
    return old.getCopyOfBuffer();
  }

  /**
   * Restores {@code stored} through a snapshot of {@code version} (patched in the real bytes of
   * a current one) and checks it reads back as {@code original}.
   */
  private void assertMigrated(int version, byte[] stored, RuleState original) throws Exception {
    DataOutputSerializer snapshotOut = new DataOutputSerializer(256);
    TypeSerializerSnapshot.writeVersionedSnapshot(snapshotOut,
        serializer().snapshotConfiguration());
    byte[] snapshotBytes = snapshotOut.getCopyOfBuffer();
    patchOuterVersion(snapshotBytes, version);
    TypeSerializerSnapshot<RuleState> oldSnapshot = TypeSerializerSnapshot.readVersionedSnapshot(
        new DataInputDeserializer(snapshotBytes), getClass().getClassLoader());

    TypeSerializerSchemaCompatibility<RuleState> compatibility =
        serializer().snapshotConfiguration().resolveSchemaCompatibility(oldSnapshot);
    assertThat(compatibility.isCompatibleAfterMigration()).isTrue();
    RuleState migrated = oldSnapshot.restoreSerializer()
        .deserialize(new DataInputDeserializer(stored));
    assertThat(write(serializer(), migrated)).isEqualTo(write(serializer(), original));
  }

  /** Finds the composite snapshot's magic number and sets the outer version after it. */
  private static void patchOuterVersion(byte[] bytes, int version) {
    int magic = 911108; // CompositeTypeSerializerSnapshot.MAGIC_NUMBER
    for (int i = 0; i + 8 <= bytes.length; i++) {
      if (readInt(bytes, i) == magic && readInt(bytes, i + 4) == RuleStateSerializer.FORMAT) {
        bytes[i + 7] = (byte) version;
        return;
      }
    }
    throw new AssertionError("no outer snapshot version " + RuleStateSerializer.FORMAT);
  }

  private static int readInt(byte[] b, int i) {
    return (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8
        | (b[i + 3] & 0xff);
  }
}
