package io.journeyflow.bench;

import io.journeyflow.patterns.Rule;
import io.journeyflow.patterns.RuleSet;
import io.journeyflow.patterns.StepSpec;
import io.journeyflow.schema.CustomerEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * A deterministic (seeded) stream of customer events: {@code customers} customers whose activity
 * follows a Zipf law (a few are very busy, most are quiet), background traffic drawn from a
 * weighted mix of 30 event types, and a share of "stories" that walk one rule's steps in order
 * (same entity id, inside the rule's window), so that a known part of the traffic completes
 * breakpoint patterns. Absence steps are left out of stories: the absence completes the match.
 *
 * <p>Event time comes from a clock the caller drives: {@link #next(long)} takes "now" in epoch
 * milliseconds (a simulated clock for pre-loaded topics, the wall clock for latency runs). A
 * story's later steps are due a few seconds of event time after the step before.
 */
public final class EventGenerator {

  /** The event-type mix: type, weight (per mille of background traffic), source. */
  static final Object[][] MIX = {
    {"page.viewed", 200, "web"},
    {"product.viewed", 120, "shop"},
    {"search.performed", 70, "web"},
    {"login.succeeded", 60, "web"},
    {"app.opened", 60, "app"},
    {"email.opened", 50, "marketing"},
    {"email.clicked", 25, "marketing"},
    {"notification.dismissed", 30, "app"},
    {"invoice.issued", 25, "billing"},
    {"payment.succeeded", 25, "billing"},
    {"wishlist.added", 20, "shop"},
    {"cart.item_added", 30, "shop"},
    {"order.placed", 20, "shop"},
    {"review.posted", 8, "shop"},
    {"survey.completed", 6, "web"},
    {"device.registered", 8, "app"},
    {"password.reset", 10, "web"},
    {"plan.changed", 6, "billing"},
    {"subscription.renewed", 10, "billing"},
    {"feature.activated", 30, "app"},
    {"account.created", 6, "web"},
    {"profile.updated", 8, "web"},
    {"consent.changed", 8, "web"},
    {"payment.failed", 8, "billing"},
    {"billing.adjustment.posted", 4, "billing"},
    {"billing.issue.resolved", 4, "billing"},
    {"contact.started", 12, "contact-center"},
    {"selfservice.failed", 8, "web"},
    {"service.outage.reported", 2, "network"},
    {"service.restored", 2, "network"},
  };

  private static final String[] CHANNELS = {"chat", "voice", "email", "app"};
  private static final String[] INTENTS = {"billing", "tech-support", "moving", "sales"};

  private final SplittableRandom random;
  private final double[] zipfCdf;
  private final String[] types;
  private final String[] sources;
  private final double[] typeCdf;
  private final Map<String, String> sourceOf = new HashMap<>();
  private final List<List<String>> stories = new ArrayList<>();
  private final List<Long> storyGapsMillis = new ArrayList<>();
  private final double storyShare;
  private final PriorityQueue<Pending> pending =
      new PriorityQueue<>((a, b) -> a.due != b.due ? Long.compare(a.due, b.due)
          : Long.compare(a.seq, b.seq));
  private final boolean[] seen;
  private long seq;
  private long generated;
  private long storiesStarted;
  private int distinct;

  /**
   * @param customers how many customers (ids {@code c-0} .. {@code c-(customers-1)}; {@code c-0}
   *     the busiest)
   * @param zipfExponent skew of activity (1.0: the busiest customer is twice as active as the
   *     second; 0: uniform)
   * @param storyShare fraction of events that start a story (each story adds its later steps)
   * @param rules whose steps the stories walk
   */
  public EventGenerator(long seed, int customers, double zipfExponent, double storyShare,
      RuleSet rules) {
    this.random = new SplittableRandom(seed);
    this.storyShare = storyShare;
    this.seen = new boolean[customers];
    zipfCdf = new double[customers];
    double sum = 0;
    for (int i = 0; i < customers; i++) {
      sum += 1.0 / Math.pow(i + 1, zipfExponent);
      zipfCdf[i] = sum;
    }
    for (int i = 0; i < customers; i++) {
      zipfCdf[i] /= sum;
    }
    types = new String[MIX.length];
    sources = new String[MIX.length];
    typeCdf = new double[MIX.length];
    double total = 0;
    for (int i = 0; i < MIX.length; i++) {
      types[i] = (String) MIX[i][0];
      sources[i] = (String) MIX[i][2];
      total += (Integer) MIX[i][1];
      typeCdf[i] = total;
      sourceOf.put(types[i], sources[i]);
    }
    for (int i = 0; i < MIX.length; i++) {
      typeCdf[i] /= total;
    }
    for (Rule rule : rules.rules()) {
      List<String> steps = new ArrayList<>();
      for (StepSpec step : rule.steps()) {
        if (step.absent()) {
          continue;
        }
        int times = step.timesFrom() == null ? 1 : step.timesFrom();
        for (int k = 0; k < times; k++) {
          steps.add(step.eventTypes().get(0));
        }
      }
      stories.add(steps);
      // Steps a few seconds apart: well inside every window, and short enough for latency runs.
      long window = rule.within() == null ? 3_600_000L : rule.within().toMillis();
      storyGapsMillis.add(Math.max(1, Math.min(2_000L, window / (steps.size() + 1))));
    }
  }

  /** The number of distinct event types the background mix draws from. */
  public static int typeCount() {
    return MIX.length;
  }

  /** One more event at (or, for a story's due step, before) {@code nowMillis}. */
  public CustomerEvent next(long nowMillis) {
    Pending due = pending.peek();
    if (due != null && due.due <= nowMillis) {
      pending.poll();
      return build(due.customer, due.type, due.due, due.entity, due.story);
    }
    int customer = zipf();
    if (!stories.isEmpty() && random.nextDouble() < storyShare) {
      int story = random.nextInt(stories.size());
      List<String> steps = stories.get(story);
      long gap = storyGapsMillis.get(story);
      String entity = "ent-" + storiesStarted++;
      for (int k = 1; k < steps.size(); k++) {
        pending.add(new Pending(nowMillis + gap * k, seq++, customer, steps.get(k), entity,
            true));
      }
      return build(customer, steps.get(0), nowMillis, entity, true);
    }
    String type = types[pick(typeCdf, random.nextDouble())];
    return build(customer, type, nowMillis, "ent-b" + random.nextInt(1000), false);
  }

  /** Events made so far. */
  public long generated() {
    return generated;
  }

  /** Stories begun so far. */
  public long storiesStarted() {
    return storiesStarted;
  }

  /** Customers that had at least one event so far. */
  public int distinctCustomers() {
    return distinct;
  }

  private CustomerEvent build(int customer, String type, long at, String entity, boolean story) {
    if (!seen[customer]) {
      seen[customer] = true;
      distinct++;
    }
    String id = "c-" + customer;
    Map<String, String> identities = new LinkedHashMap<>();
    identities.put("customerId", id);
    Map<String, Object> attributes = new HashMap<>();
    String channel = null;
    switch (type) {
      case "contact.started" -> channel = CHANNELS[random.nextInt(CHANNELS.length)];
      case "cart.item_added", "product.viewed", "wishlist.added" ->
          attributes.put("sku", "SKU-" + random.nextInt(5000));
      case "selfservice.failed" -> {
        attributes.put("intent", INTENTS[random.nextInt(INTENTS.length)]);
        attributes.put("step", "step-" + random.nextInt(5));
      }
      case "payment.failed", "invoice.issued", "payment.succeeded" ->
          attributes.put("amount", 5 + random.nextInt(200) + 0.5);
      case "page.viewed" -> attributes.put("page", "/p/" + random.nextInt(2000));
      default -> { }
    }
    if (story) {
      attributes.put("story", Boolean.TRUE);
    }
    CustomerEvent event =
        CustomerEvent.newBuilder()
            .setEventId(id + "-" + generated)
            .setEventType(type)
            .setSource(sourceOf.getOrDefault(type, "generator"))
            .setChannel(channel)
            .setOccurredAt(Instant.ofEpochMilli(at))
            .setIdentities(identities)
            .setEntityId(entity)
            .setAttributes(attributes)
            .build();
    generated++;
    return event;
  }

  private int zipf() {
    return pick(zipfCdf, random.nextDouble());
  }

  private static int pick(double[] cdf, double u) {
    int i = Arrays.binarySearch(cdf, u);
    i = i >= 0 ? i : -i - 1;
    return Math.min(i, cdf.length - 1);
  }

  private record Pending(long due, long seq, int customer, String type, String entity,
      boolean story) {}
}
