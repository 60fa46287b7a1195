package io.journeyflow.jobs.decisions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.journeyflow.schema.Action;
import io.journeyflow.schema.ActionContext;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.DecisionOutcome;
import io.journeyflow.schema.OpenSuppression;
import io.journeyflow.schema.internal.CustomerProfile;
import io.journeyflow.schema.internal.SendRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each policy and its edges, on the engine alone. */
class DecisionEngineTest {

  static final DecisionEngine ENGINE = new DecisionEngine(policies());

  static Policies policies() {
    try {
      return PolicyLoader.loadDefault();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static Action action(String channel, String purpose) {
    return Action.newBuilder()
        .setActionId("a-1")
        .setCustomerId("c1")
        .setActionType("ACT")
        .setChannel(channel)
        .setPurpose(purpose)
        .setRuleId("r")
        .setRuleVersion(1)
        .setJourney("j")
        .setPriority(50)
        .setParameters(new HashMap<>())
        .setTriggeringEvents(new ArrayList<>())
        .setContext(new ActionContext(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
            new ArrayList<>(), 0, 0))
        .setOccurredAt(Instant.EPOCH)
        .setDecidedAt(Instant.EPOCH)
        .build();
  }

  static CustomerProfile profile(Map<String, Boolean> consent, String zone, String prefs) {
    CustomerProfile p = null;
    for (Map.Entry<String, Boolean> c : consent.entrySet()) {
      String[] parts = c.getKey().split("/");
      p = Profiles.apply(p, event("consent.changed", Map.of("channel", parts[0], "purpose",
          parts[1], "granted", c.getValue())));
    }
    Map<String, Object> attributes = new HashMap<>();
    if (zone != null) {
      attributes.put("timeZone", zone);
    }
    if (prefs != null) {
      attributes.put("channelPreferences", prefs);
    }
    return Profiles.apply(p, event("profile.updated", attributes));
  }

  static CustomerEvent event(String type, Map<String, Object> attributes) {
    return CustomerEvent.newBuilder()
        .setEventId("e")
        .setEventType(type)
        .setSource("s")
        .setOccurredAt(Instant.EPOCH)
        .setIdentities(new HashMap<>(Map.of("customerId", "c1")))
        .setAttributes(new HashMap<>(attributes))
        .build();
  }

  static final Instant NOW = Instant.parse("2026-03-29T12:00:00Z");

  @Test
  void serviceActionFallsBackToTheNextPreferredConsentedChannel() {
    CustomerProfile p = profile(Map.of("sms/service", false), null, "sms,app,email");
    DecisionEngine.Verdict v = ENGINE.decide(action("sms", "service"), p, List.of(), List.of(),
        NOW);
    assertThat(v.outcome()).isEqualTo(DecisionOutcome.SENT);
    assertThat(v.channel()).isEqualTo("app");
    assertThat(v.explanation()).contains("instead of sms");
  }

  @Test
  void serviceActionWithNoConsentedChannelIsBlocked() {
    CustomerProfile p = profile(Map.of("*/service", false), null, null);
    DecisionEngine.Verdict v = ENGINE.decide(action("sms", "service"), p, List.of(), List.of(),
        NOW);
    assertThat(v.outcome()).isEqualTo(DecisionOutcome.BLOCKED);
    assertThat(v.reason()).isEqualTo("NO_CONSENT");
  }

  @Test
  void marketingNeedsExplicitConsentAndNeverFallsBack() {
    assertThat(ENGINE.decide(action("email", "marketing"), null, List.of(), List.of(), NOW)
        .reason()).isEqualTo("NO_CONSENT");
    CustomerProfile smsOnly = profile(Map.of("sms/marketing", true), null, null);
    assertThat(ENGINE.decide(action("email", "marketing"), smsOnly, List.of(), List.of(), NOW)
        .reason()).isEqualTo("NO_CONSENT");
    DecisionEngine.Verdict noChannel =
        ENGINE.decide(action(null, "marketing"), smsOnly, List.of(), List.of(), NOW);
    assertThat(noChannel.outcome()).isEqualTo(DecisionOutcome.SENT);
    assertThat(noChannel.channel()).isEqualTo("sms");
  }

  @Test
  void internalActionsNeedNoConsentAndAreNotCapped() {
    DecisionEngine.Verdict v = ENGINE.decide(action(null, "service"), profile(
        Map.of("*/service", false), null, null), List.of(), List.of(), NOW);
    assertThat(v.outcome()).isEqualTo(DecisionOutcome.SENT);
    assertThat(v.channel()).isNull();
  }

  @Test
  void openMarketingSuppressionBlocksMarketingButNotService() {
    OpenSuppression open = OpenSuppression.newBuilder().setScope("marketing").setRuleId("b")
        .setRuleVersion(1).setJourney("j").setReason("r").setSignalId("s").setSince(NOW)
        .setUntil(null).build();
    CustomerProfile p = profile(Map.of("email/marketing", true), null, null);
    DecisionEngine.Verdict m =
        ENGINE.decide(action("email", "marketing"), p, List.of(), List.of(open), NOW);
    assertThat(m.reason()).isEqualTo("SUPPRESSED");
    assertThat(m.values()).containsKey("suppression.marketing");
    assertThat(ENGINE.decide(action("email", "service"), p, List.of(), List.of(open), NOW)
        .outcome()).isEqualTo(DecisionOutcome.SENT);
  }

  @Test
  void rollingCapIsExactAtItsBoundary() {
    CustomerProfile p = profile(Map.of("email/marketing", true), null, null);
    List<SendRecord> sends = new ArrayList<>();
    // Three marketing sends: the oldest exactly 7 days ago has just left the window.
    sends.add(new SendRecord(NOW.minus(Duration.ofDays(7)), "email", "marketing"));
    sends.add(new SendRecord(NOW.minus(Duration.ofDays(3)), "email", "marketing"));
    sends.add(new SendRecord(NOW.minus(Duration.ofHours(1)), "email", "marketing"));
    DecisionEngine.Verdict third = ENGINE.decide(action("email", "marketing"), p, sends,
        List.of(), NOW);
    assertThat(third.outcome()).isEqualTo(DecisionOutcome.SENT);
    assertThat(third.values()).containsEntry("cap.marketing.any.168h", "3/3");
    sends.add(new SendRecord(NOW.minus(Duration.ofMinutes(1)), "email", "marketing"));
    DecisionEngine.Verdict fourth = ENGINE.decide(action("email", "marketing"), p, sends,
        List.of(), NOW);
    assertThat(fourth.reason()).isEqualTo("CAPPED");
    assertThat(fourth.values()).containsEntry("cap.marketing.any.168h", "3/3");
  }

  @Test
  void calendarDayCapFollowsTheCustomersTimeZoneAcrossADstChange() {
    // Europe/Berlin switched to summer time on 2026-03-29 at 02:00 local (01:00 UTC): that
    // local day is 23 hours long, from 2026-03-28T23:00Z to 2026-03-29T22:00Z.
    CustomerProfile berlin = profile(Map.of(), "Europe/Berlin", null);
    List<SendRecord> yesterdayLocal =
        List.of(new SendRecord(Instant.parse("2026-03-28T22:59:00Z"), "sms", "service"));
    List<SendRecord> todayLocal =
        List.of(new SendRecord(Instant.parse("2026-03-28T23:00:00Z"), "sms", "service"));
    Instant lateToday = Instant.parse("2026-03-29T21:59:00Z");
    assertThat(ENGINE.decide(action("sms", "service"), berlin, yesterdayLocal, List.of(),
        lateToday).outcome()).isEqualTo(DecisionOutcome.SENT);
    assertThat(ENGINE.decide(action("sms", "service"), berlin, todayLocal, List.of(),
        lateToday).reason()).isEqualTo("CAPPED");
    // In UTC the same send is on the same day as the decision only when it is.
    assertThat(ENGINE.decide(action("sms", "service"), null, todayLocal, List.of(),
        Instant.parse("2026-03-29T00:30:00Z")).outcome()).isEqualTo(DecisionOutcome.SENT);
    // The next local day starts at 22:00Z: the cap resets.
    assertThat(ENGINE.decide(action("sms", "service"), berlin, todayLocal, List.of(),
        Instant.parse("2026-03-29T22:00:00Z")).outcome()).isEqualTo(DecisionOutcome.SENT);
  }

  @Test
  void marketingInQuietHoursIsDeferredToTheLocalEndOfTheWindow() {
    CustomerProfile ny = profile(Map.of("sms/marketing", true), "America/New_York", null);
    // 23:30 in New York (EST, UTC-5) on 2026-01-10: quiet until 08:00 local = 13:00Z next day.
    Instant lateEvening = Instant.parse("2026-01-11T04:30:00Z");
    DecisionEngine.Verdict v = ENGINE.decide(action("sms", "marketing"), ny, List.of(),
        List.of(), lateEvening);
    assertThat(v.outcome()).isEqualTo(DecisionOutcome.DEFERRED);
    assertThat(v.deferredUntil()).isEqualTo(Instant.parse("2026-01-11T13:00:00Z"));
    // At that instant it is 05:30 in Berlin, quiet too; at 10:00 in Berlin it is not.
    CustomerProfile berlin = profile(Map.of("sms/marketing", true), "Europe/Berlin", null);
    assertThat(ENGINE.decide(action("sms", "marketing"), berlin, List.of(), List.of(),
        lateEvening).outcome()).isEqualTo(DecisionOutcome.DEFERRED);
    assertThat(ENGINE.decide(action("sms", "marketing"), berlin, List.of(), List.of(),
        Instant.parse("2026-01-11T09:00:00Z")).outcome()).isEqualTo(DecisionOutcome.SENT);
    // Service messages have no quiet hours by default; a discarding rule blocks instead.
    assertThat(ENGINE.decide(action("sms", "service"), ny, List.of(), List.of(), lateEvening)
        .outcome()).isEqualTo(DecisionOutcome.SENT);
    DecisionEngine.Verdict discarded = ENGINE.decide(action("sms", "marketing"),
        DecisionEngine.QuietHoursHandling.DISCARD, ny, List.of(), List.of(), lateEvening);
    assertThat(discarded.reason()).isEqualTo("QUIET_HOURS");
  }

  @Test
  void quietHoursEndAcrossDaylightSavingChanges() {
    // New York springs forward on 2026-03-08 (02:00 -> 03:00): 08:00 EDT is 12:00Z, not 13:00Z.
    CustomerProfile ny = profile(Map.of("sms/marketing", true), "America/New_York", null);
    Instant beforeChange = Instant.parse("2026-03-08T04:00:00Z"); // 23:00 EST on the 7th
    assertThat(ENGINE.decide(action("sms", "marketing"), ny, List.of(), List.of(),
        beforeChange).deferredUntil()).isEqualTo(Instant.parse("2026-03-08T12:00:00Z"));
    // And falls back on 2026-11-01: 08:00 EST is 13:00Z.
    Instant beforeFallBack = Instant.parse("2026-11-01T03:00:00Z"); // 23:00 EDT on Oct 31
    assertThat(ENGINE.decide(action("sms", "marketing"), ny, List.of(), List.of(),
        beforeFallBack).deferredUntil()).isEqualTo(Instant.parse("2026-11-01T13:00:00Z"));
    // A window that ends inside the spring-forward gap ends at the first valid local time.
    Policies.QuietHours gap = new Policies.QuietHours(java.util.Set.of("sms"),
        java.util.Set.of("marketing"), java.time.LocalTime.of(1, 0),
        java.time.LocalTime.of(2, 30));
    assertThat(gap.end(Instant.parse("2026-03-08T06:30:00Z"),
        java.time.ZoneId.of("America/New_York")))
        .isEqualTo(Instant.parse("2026-03-08T07:30:00Z")); // 03:30 EDT
  }

  @Test
  void invalidPolicyFilesAreRejectedWithEveryProblem() {
    assertThatThrownBy(() -> PolicyLoader.parse("p.yaml", """
        defaults: {timeZone: Mars/Olympus, consent: {promo: true}}
        frequencyCaps: [{purpose: marketing, max: 3, per: weekly}]
        quietHours: [{channels: [sms], from: "9pm", to: "08:00"}]
        """))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'version' is required")
        .hasMessageContaining("unknown time zone 'Mars/Olympus'")
        .hasMessageContaining("unknown purpose 'promo'")
        .hasMessageContaining("bad 'per' 'weekly'")
        .hasMessageContaining("must be local times such as");
  }

  @Test
  void misspelledSectionsAndMisshapenListsAreProblemsNotSilence() {
    assertThatThrownBy(() -> PolicyLoader.parse("p.yaml", """
        version: "2"
        frequencyCap: [{purpose: marketing, max: 3, per: 7d}]
        quietHours: 7
        """))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown key 'frequencyCap'")
        .hasMessageContaining("'quietHours' must be a list");
  }
}
