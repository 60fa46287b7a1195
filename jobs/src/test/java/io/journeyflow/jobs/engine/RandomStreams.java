package io.journeyflow.jobs.engine;

import io.journeyflow.schema.CustomerEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A seeded keyed event stream with its watermarks: several customers, few event types, equal
 * timestamps, events arriving out of order but above the watermark, and a few late ones.
 */
final class RandomStreams {

  static final Instant BASE = Instant.parse("2026-01-01T00:00:00Z");

  /** An event, or a watermark when {@code event} is null. */
  record Item(CustomerEvent event, long watermark) {}

  private RandomStreams() {}

  static List<Item> generate(Random random, List<String> types, int customers, int events) {
    ids = 0;
    long outOfOrderness = 4 * 60_000L;
    List<long[]> order = new ArrayList<>();
    List<CustomerEvent> all = new ArrayList<>();
    long[] clock = new long[customers];
    for (int i = 0; i < events; i++) {
      int c = random.nextInt(customers);
      // Often the same minute (equal timestamps), sometimes a long gap (windows expire).
      int gap = random.nextInt(10);
      clock[c] += gap < 3 ? 0 : gap < 9 ? random.nextInt(4) * 60_000L : 20 * 60_000L;
      long ts = BASE.toEpochMilli() + clock[c] + random.nextInt(3) * 1000L;
      all.add(event(random, "c" + c, ts, types));
      // Arrival order: event time plus a bounded jitter.
      order.add(new long[] {ts + (long) (random.nextDouble() * outOfOrderness), i});
    }
    order.sort(Comparator.<long[]>comparingLong(o -> o[0]).thenComparingLong(o -> o[1]));
    List<Item> items = new ArrayList<>();
    long max = Long.MIN_VALUE;
    long watermark = Long.MIN_VALUE;
    for (long[] o : order) {
      CustomerEvent e = all.get((int) o[1]);
      items.add(new Item(e, 0));
      max = Math.max(max, e.getOccurredAt().toEpochMilli());
      if (random.nextInt(4) == 0) {
        long next = max - outOfOrderness - 1;
        if (next > watermark) {
          watermark = next;
          items.add(new Item(null, watermark));
          if (random.nextInt(8) == 0) {
            // Late: at or below the watermark, both sides must drop it.
            items.add(new Item(event(random, "c" + random.nextInt(customers),
                watermark - random.nextInt(2) * 60_000L, types), 0));
          }
        }
      }
    }
    items.add(new Item(null, Long.MAX_VALUE));
    return items;
  }

  private static int ids;

  static CustomerEvent event(Random random, String customer, long ts, List<String> types) {
    Map<String, Object> attributes = new HashMap<>();
    if (random.nextInt(6) != 0) {
      attributes.put("n", (long) random.nextInt(4));
    }
    String[] entities = {"x", "y", null};
    // Random ids: equal timestamps are ordered by id, not by arrival.
    String id = String.format("e%04x-%d", random.nextInt(0x10000), ids++);
    return CustomerEvent.newBuilder()
        .setEventId(id)
        .setEventType(types.get(random.nextInt(types.size())))
        .setSource("gen")
        .setOccurredAt(Instant.ofEpochMilli(ts))
        .setIdentities(new HashMap<>(Map.of("customerId", customer)))
        .setEntityId(entities[random.nextInt(entities.length)])
        .setAttributes(attributes)
        .build();
  }
}
