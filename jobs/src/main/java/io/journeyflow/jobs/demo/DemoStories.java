package io.journeyflow.jobs.demo;

import io.journeyflow.schema.CustomerEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's customers and what happens to them, in event time: a billing issue that opens and
 * releases a marketing suppression, an outage with an inbound contact, abandoned carts, and a
 * customer known by a device, an account and an email that one login links.
 */
public final class DemoStories {

  static final Instant START = Instant.parse("2026-11-02T09:00:00Z");
  /** A customer whose events only move event time forward on every partition. */
  static final String CLOCK_CUSTOMER = "demo-clock";

  static final int EXPECTED_ACTIONS = 7;
  static final int EXPECTED_SIGNALS = 5;
  static final int EXPECTED_DEAD_LETTERS = 1;
  static final int EXPECTED_DECISIONS = 9;
  static final int EXPECTED_MERGES = 2;

  private DemoStories() {}

  /**
   * Story events in event-time order, the order they are produced in: a partition may run only
   * the out-of-orderness bound behind its newest event, so events told story by story (Ann's
   * afternoon before Fay's morning) would be late whenever a watermark was emitted between them.
   */
  static List<CustomerEvent> events() {
    List<CustomerEvent> events = stories();
    events.sort(Comparator.comparing(CustomerEvent::getOccurredAt));
    return events;
  }

  /** The story events, story by story. */
  private static List<CustomerEvent> stories() {
    List<CustomerEvent> events = new ArrayList<>();
    // Ann: payment fails, billing posts an adjustment, she opens a chat, billing resolves it.
    events.add(event("ann-1", "payment.failed", "billing", null, 0, "c-1001", "inv-7",
        Map.of("amount", 42.5)));
    events.add(event("ann-2", "billing.adjustment.posted", "billing", null, 120, "c-1001",
        "inv-7", Map.of("amount", -42.5)));
    events.add(event("ann-3", "contact.started", "contact-center", "chat", 300, "c-1001", null,
        Map.of("topic", "billing")));
    events.add(event("ann-4", "billing.issue.resolved", "billing", null, 360, "c-1001", "inv-7",
        Map.of()));
    // Bob: an outage hits his area and he calls in; later the service is restored.
    events.add(event("bob-1", "service.outage.reported", "network", null, 60, "c-1002", "out-3",
        Map.of("region", "north")));
    events.add(event("bob-2", "contact.started", "contact-center", "voice", 180, "c-1002", null,
        Map.of()));
    events.add(event("bob-3", "service.restored", "network", null, 480, "c-1002", "out-3",
        Map.of()));
    // Cho, known only by email, opted in to marketing email; adds to cart and never orders.
    events.add(byEmail(event("cho-0", "consent.changed", "web", "web", 10, null, null,
        Map.of("channel", "email", "purpose", "marketing", "granted", true))));
    events.add(byEmail(event("cho-1", "cart.item_added", "shop", "web", 240, null, null,
        Map.of("sku", "SKU-123"))));
    // Eve lives in Tokyo and takes marketing by SMS: her reminder would reach her at midnight
    // local time, so it waits for the end of her quiet hours.
    events.add(event("eve-0", "profile.updated", "crm", null, 5, "c-1005", null,
        Map.of("timeZone", "Asia/Tokyo", "channelPreferences", "sms,email")));
    events.add(event("eve-1", "consent.changed", "crm", null, 6, "c-1005", null,
        Map.of("channel", "sms", "purpose", "marketing", "granted", true)));
    events.add(event("eve-2", "cart.item_added", "shop", "app", 300, "c-1005", null,
        Map.of("sku", "SKU-42")));
    // Fay browses on her phone, billing knows her account, chat knows her email: one login
    // names all three, so her chat is routed to billing with the whole story.
    events.add(with(event("fay-1", "page.viewed", "web", "web", 30, null, null,
        Map.of("page", "/billing")), Map.of("deviceId", "fay-phone")));
    events.add(with(event("fay-2", "payment.failed", "billing", null, 40, null, "inv-9",
        Map.of("amount", 19.0)), Map.of("accountId", "A-2001")));
    events.add(with(event("fay-3", "billing.adjustment.posted", "billing", null, 150, null,
        "inv-9", Map.of("amount", -19.0)), Map.of("accountId", "A-2001")));
    events.add(with(event("fay-4", "account.login", "web", "web", 200, null, null, Map.of()),
        Map.of("accountId", "A-2001", "email", "fay@example.com", "deviceId", "fay-phone")));
    events.add(with(event("fay-5", "contact.started", "contact-center", "chat", 320, null, null,
        Map.of("topic", "billing")), Map.of("email", "fay@example.com")));
    // Dan abandons a cart too, but never opted in: the reminder is decided, and blocked.
    events.add(event("dan-1", "cart.item_added", "shop", "app", 250, "c-1004", null,
        Map.of("sku", "SKU-7")));
    return events;
  }

  private static CustomerEvent with(CustomerEvent e, Map<String, String> identities) {
    e.getIdentities().clear();
    e.getIdentities().putAll(identities);
    return e;
  }

  private static CustomerEvent byEmail(CustomerEvent e) {
    e.getIdentities().clear();
    e.getIdentities().put("email", "cho@example.com");
    return e;
  }

  /** Clock events a day later, one per partition, so the watermark passes every window end. */
  static CustomerEvent clock(int partition) {
    return event("clock-" + partition, "demo.clock", "demo", null, 24 * 60, CLOCK_CUSTOMER, null,
        Map.of());
  }

  private static CustomerEvent event(
      String id,
      String type,
      String source,
      String channel,
      long minutes,
      String customerId,
      String entityId,
      Map<String, Object> attributes) {
    Map<String, String> identities = new LinkedHashMap<>();
    if (customerId != null) {
      identities.put("customerId", customerId);
    }
    return CustomerEvent.newBuilder()
        .setEventId(id)
        .setEventType(type)
        .setSource(source)
        .setChannel(channel)
        .setOccurredAt(START.plus(Duration.ofMinutes(minutes)))
        .setIdentities(identities)
        .setEntityId(entityId)
        .setAttributes(new LinkedHashMap<>(attributes))
        .build();
  }
}
