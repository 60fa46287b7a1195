package io.journeyflow.jobs.testing;

import io.journeyflow.schema.CustomerEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** Compact construction of events for tests: minutes after a fixed base time. */
public final class Events {

  public static final Instant BASE = Instant.parse("2026-01-01T00:00:00Z");

  private Events() {}

  public static CustomerEvent event(String id, String type, String customerId, long minutes) {
    return event(id, type, customerId, minutes, null);
  }

  public static CustomerEvent event(
      String id, String type, String customerId, long minutes, String entityId) {
    Map<String, String> identities = new LinkedHashMap<>();
    identities.put("customerId", customerId);
    return CustomerEvent.newBuilder()
        .setEventId(id)
        .setEventType(type)
        .setSource("test")
        .setChannel(null)
        .setOccurredAt(at(minutes))
        .setIdentities(identities)
        .setEntityId(entityId)
        .setAttributes(new HashMap<>())
        .build();
  }

  public static Instant at(long minutes) {
    return BASE.plus(Duration.ofMinutes(minutes));
  }

  public static long millis(long minutes) {
    return at(minutes).toEpochMilli();
  }
}
