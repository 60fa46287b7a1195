package io.journeyflow.jobs.tools;

import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.json.ContractJson;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A seeded history of customer events with known answers: every customer gets background
 * noise, and one customer in ten each gets one of four stories, so the number of actions each
 * starter rule must produce is known in advance.
 */
public final class HistoryGenerator {

  /** Expected counts for a generated history. */
  public record Expected(long events, long cartReminders, long cartBlocked,
      long selfserviceRoutes, long onboardingTips, long escalations) {}

  private static final Instant START = Instant.parse("2026-10-01T00:00:00Z");
  private static final String[] NOISE = {"page.viewed", "login.succeeded", "invoice.issued"};

  private HistoryGenerator() {}

  /** Writes the history (shuffled within each customer's stream); returns what it holds. */
  public static Expected write(Path file, int customers, int noisePerCustomer, long seed)
      throws IOException {
    Random random = new Random(seed);
    long events = 0;
    long carts = 0;
    long blocked = 0;
    long routes = 0;
    long tips = 0;
    long escalations = 0;
    try (BufferedWriter out = Files.newBufferedWriter(file)) {
      for (int c = 0; c < customers; c++) {
        String customer = "g-" + c;
        Instant t0 = START.plus(Duration.ofMinutes(random.nextInt(60 * 24 * 20)));
        int n = 0;
        switch (c % 10) {
          case 0 -> {
            n += line(out, customer, n, "consent.changed", t0.minus(Duration.ofDays(1)),
                Map.of("channel", "email", "purpose", "marketing", "granted", true));
            n += line(out, customer, n, "cart.item_added", t0, Map.of("sku", "SKU-" + c));
            carts++;
          }
          case 5 -> {
            // No marketing consent: the reminder is decided, and blocked.
            n += line(out, customer, n, "cart.item_added", t0, Map.of("sku", "SKU-" + c));
            blocked++;
          }
          case 1 -> {
            n += line(out, customer, n, "cart.item_added", t0, Map.of("sku", "SKU-" + c));
            n += line(out, customer, n, "order.placed", t0.plus(Duration.ofMinutes(30)),
                Map.of());
          }
          case 2 -> {
            n += line(out, customer, n, "selfservice.failed", t0, Map.of("intent", "billing"));
            n += line(out, customer, n, "contact.started", t0.plus(Duration.ofMinutes(20)),
                Map.of());
            routes++;
          }
          case 3 -> {
            n += line(out, customer, n, "account.created", t0, Map.of());
            tips++;
          }
          case 4 -> {
            for (int k = 0; k < 3; k++) {
              n += line(out, customer, n, "contact.started", t0.plus(Duration.ofDays(k * 2L)),
                  Map.of());
            }
            escalations++;
          }
          default -> { }
        }
        for (int k = 0; k < noisePerCustomer; k++) {
          Instant t = t0.plus(Duration.ofMinutes(random.nextInt(60 * 24 * 10)));
          n += line(out, customer, n, NOISE[random.nextInt(NOISE.length)], t, Map.of());
        }
        events += n;
      }
    }
    return new Expected(events, carts, blocked, routes, tips, escalations);
  }

  private static int line(BufferedWriter out, String customer, int n, String type, Instant at,
      Map<String, Object> attributes) throws IOException {
    Map<String, String> identities = new LinkedHashMap<>();
    identities.put("customerId", customer);
    CustomerEvent e = CustomerEvent.newBuilder()
        .setEventId(customer + "-" + n)
        .setEventType(type)
        .setSource("generator")
        .setOccurredAt(at)
        .setIdentities(identities)
        .setAttributes(new HashMap<>(attributes))
        .build();
    out.write(ContractJson.toJson(e));
    out.newLine();
    return 1;
  }
}
