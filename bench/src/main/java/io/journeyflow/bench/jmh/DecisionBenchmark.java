package io.journeyflow.bench.jmh;

import io.journeyflow.jobs.decisions.DecisionEngine;
import io.journeyflow.jobs.decisions.PolicyLoader;
import io.journeyflow.jobs.decisions.Profiles;
import io.journeyflow.schema.Action;
import io.journeyflow.schema.ActionContext;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.OpenSuppression;
import io.journeyflow.schema.internal.CustomerProfile;
import io.journeyflow.schema.internal.SendRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One decision with the bundled policies (config/policies.yaml): consent, suppression, caps over
 * a send history, quiet hours in the customer's time zone. A service action that is sent, and a
 * marketing action that the caps look at.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DecisionBenchmark {

  private static final Instant NOW = Instant.parse("2026-11-04T14:00:00Z");

  private DecisionEngine engine;
  private CustomerProfile profile;
  private final List<SendRecord> sends = new ArrayList<>();
  private final List<OpenSuppression> open = new ArrayList<>();
  private Action service;
  private Action marketing;

  @Setup
  public void setup() throws Exception {
    engine = new DecisionEngine(PolicyLoader.loadDefault());
    profile = Profiles.apply(null, event("consent.changed",
        Map.of("channel", "email", "purpose", "marketing", "granted", true)));
    profile = Profiles.apply(profile, event("profile.updated",
        Map.of("timeZone", "Europe/Berlin", "channelPreferences", "email,sms")));
    for (int k = 1; k <= 10; k++) {
      sends.add(new SendRecord(NOW.minus(Duration.ofHours(7L * k)), k % 2 == 0 ? "email" : "sms",
          k % 3 == 0 ? "marketing" : "service"));
    }
    service = action("email", "service");
    marketing = action("email", "marketing");
  }

  @Benchmark
  public DecisionEngine.Verdict serviceAction() {
    return engine.decide(service, profile, sends, open, NOW);
  }

  @Benchmark
  public DecisionEngine.Verdict marketingAction() {
    return engine.decide(marketing, profile, sends, open, NOW);
  }

  private static Action action(String channel, String purpose) {
    return Action.newBuilder()
        .setActionId("a-1")
        .setCustomerId("c-1")
        .setActionType("SEND_HELP_CONTENT")
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
        .setOccurredAt(NOW)
        .setDecidedAt(NOW)
        .build();
  }

  private static CustomerEvent event(String type, Map<String, Object> attributes) {
    return CustomerEvent.newBuilder()
        .setEventId("e-" + type)
        .setEventType(type)
        .setSource("web")
        .setOccurredAt(NOW.minus(Duration.ofDays(1)))
        .setIdentities(new HashMap<>(Map.of("customerId", "c-1")))
        .setAttributes(new HashMap<>(attributes))
        .build();
  }
}
