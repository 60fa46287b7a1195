package io.journeyflow.jobs.decisions;

import io.journeyflow.schema.Action;
import io.journeyflow.schema.DecisionOutcome;
import io.journeyflow.schema.OpenSuppression;
import io.journeyflow.schema.internal.CustomerProfile;
import io.journeyflow.schema.internal.SendRecord;
import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides one candidate action against the policies, in their documented order (consent,
 * suppression, frequency caps, quiet hours), and says why. Plain logic: state is passed in.
 */
public final class DecisionEngine implements Serializable {

  /** The outcome, the channel decided, and the values that decided it. */
  public record Verdict(
      DecisionOutcome outcome,
      String reason,
      String channel,
      String explanation,
      Map<String, String> values,
      Instant deferredUntil) {}

  /** What quiet hours do to an action: defer it, discard it, or nothing (re-decided). */
  public enum QuietHoursHandling {
    DEFER,
    DISCARD,
    IGNORE
  }

  private final Policies policies;

  public DecisionEngine(Policies policies) {
    this.policies = policies;
  }

  public Policies policies() {
    return policies;
  }

  public Verdict decide(Action a, CustomerProfile profile, List<SendRecord> sends,
      List<OpenSuppression> open, Instant now) {
    return decide(a, QuietHoursHandling.DEFER, profile, sends, open, now);
  }

  public Verdict decide(Action a, QuietHoursHandling quiet, CustomerProfile profile,
      List<SendRecord> sends, List<OpenSuppression> open, Instant now) {
    Map<String, String> values = new LinkedHashMap<>();
    String purpose = a.getPurpose();
    String requested = a.getChannel();
    String channel = requested;
    List<String> notes = new ArrayList<>();

    // 1. Consent. No channel means internal work, except marketing, which always reaches the
    // customer: it goes to their first preferred channel with marketing consent.
    if (requested == null && purpose.equals("marketing")) {
      channel = firstConsented(profile, purpose, null);
      if (channel == null) {
        values.put("consent." + purpose, "no channel consented");
        return blocked("NO_CONSENT", null, "no channel has consent for " + purpose, values);
      }
      notes.add("on " + channel + ", the first preferred channel with " + purpose + " consent");
    } else if (requested != null && !consented(profile, requested, purpose)) {
      values.put("consent." + requested + "/" + purpose, "false");
      String fallback = purpose.equals("marketing") ? null
          : firstConsented(profile, purpose, requested);
      if (fallback == null) {
        return blocked("NO_CONSENT", requested, "no consent for " + purpose + " on "
            + requested + (purpose.equals("marketing") ? "" : " nor on another channel"),
            values);
      }
      channel = fallback;
      values.put("consent." + fallback + "/" + purpose, "true");
      notes.add("on " + fallback + " instead of " + requested + " (no consent there)");
    }

    // 2. Suppression of the purpose's scope.
    String scope = policies.suppressionScopes().get(purpose);
    if (scope != null) {
      for (OpenSuppression s : open) {
        if (s.getScope().equals(scope)) {
          values.put("suppression." + scope, "open since " + s.getSince() + " by rule "
              + s.getRuleId());
          return blocked("SUPPRESSED", channel, purpose + " is suppressed (" + scope
              + ") while rule " + s.getRuleId() + "'s issue is open", values);
        }
      }
    }

    // 3. Frequency caps on what reaches the customer.
    if (channel != null) {
      ZoneId zone = zone(profile);
      for (Policies.Cap cap : policies.caps()) {
        if (!cap.appliesTo(purpose, channel)) {
          continue;
        }
        long count = count(cap, sends, now, zone);
        if (count >= cap.max()) {
          values.put(cap.key(), count + "/" + cap.max());
          return blocked("CAPPED", channel, "cap " + cap.describe() + " for " + cap.purpose()
              + " on " + cap.channel() + " reached (" + count + " sent)", values);
        }
        values.put(cap.key(), (count + 1) + "/" + cap.max());
      }
    }

    // 4. Quiet hours in the customer's local time.
    if (channel != null && quiet != QuietHoursHandling.IGNORE) {
      ZoneId zone = zone(profile);
      for (Policies.QuietHours q : policies.quietHours()) {
        if (q.appliesTo(purpose, channel) && q.contains(now.atZone(zone).toLocalTime())) {
          values.put("quietHours." + channel, q.describe() + ", zone " + zone);
          if (quiet == QuietHoursHandling.DISCARD) {
            return blocked("QUIET_HOURS", channel, "inside quiet hours and the rule discards"
                + " such actions", values);
          }
          Instant until = q.end(now, zone);
          return new Verdict(DecisionOutcome.DEFERRED, null, channel,
              "deferred to " + until + " (" + until.atZone(zone).toLocalDateTime()
                  + " local), the end of the quiet hours; decided again then", values, until);
        }
      }
    }
    String explanation = "sent" + (channel == null ? " (internal, no channel)" : " on " + channel)
        + (notes.isEmpty() ? "" : ": " + String.join("; ", notes));
    return new Verdict(DecisionOutcome.SENT, null, channel, explanation, values, null);
  }

  private long count(Policies.Cap cap, List<SendRecord> sends, Instant now, ZoneId zone) {
    long count = 0;
    LocalDate today = now.atZone(zone).toLocalDate();
    for (SendRecord s : sends) {
      if (!cap.appliesTo(s.getPurpose(), s.getChannel()) || s.getAt().isAfter(now)) {
        continue;
      }
      boolean inWindow = cap.calendarDay()
          ? s.getAt().atZone(zone).toLocalDate().equals(today)
          : s.getAt().isAfter(now.minus(cap.per()));
      if (inWindow) {
        count++;
      }
    }
    return count;
  }

  private boolean consented(CustomerProfile profile, String channel, String purpose) {
    if (profile != null) {
      Boolean exact = profile.getConsent().get(channel + "/" + purpose);
      if (exact != null) {
        return exact;
      }
      Boolean any = profile.getConsent().get("*/" + purpose);
      if (any != null) {
        return any;
      }
    }
    return policies.defaultConsent().getOrDefault(purpose, false);
  }

  private String firstConsented(CustomerProfile profile, String purpose, String except) {
    List<String> order = profile == null || profile.getChannelPreferences().isEmpty()
        ? policies.defaultChannels() : profile.getChannelPreferences();
    for (String channel : order) {
      if (!channel.equals(except) && consented(profile, channel, purpose)) {
        return channel;
      }
    }
    return null;
  }

  ZoneId zone(CustomerProfile profile) {
    String tz = profile == null || profile.getTimeZone() == null ? policies.defaultTimeZone()
        : profile.getTimeZone();
    try {
      return ZoneId.of(tz);
    } catch (java.time.DateTimeException e) {
      return ZoneId.of(policies.defaultTimeZone());
    }
  }

  private static Verdict blocked(String reason, String channel, String why,
      Map<String, String> values) {
    return new Verdict(DecisionOutcome.BLOCKED, reason, channel, "blocked: " + why, values,
        null);
  }
}
