package io.journeyflow.jobs.tools;

import io.journeyflow.jobs.JourneyflowJob;
import io.journeyflow.jobs.io.MemoryJobIO;
import io.journeyflow.patterns.RuleSet;
import io.journeyflow.patterns.fixtures.ExpectedAction;
import io.journeyflow.patterns.fixtures.ExpectedDecision;
import io.journeyflow.patterns.fixtures.ExpectedSignal;
import io.journeyflow.patterns.fixtures.FixtureCase;
import io.journeyflow.patterns.fixtures.FixtureFile;
import io.journeyflow.schema.Action;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.DeadLetter;
import io.journeyflow.schema.Decision;
import io.journeyflow.schema.SuppressionSignal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Runs a rule's fixture cases through the real job graph: one local job per fixture file, one
 * customer per case, and compares what came out with what the case expects.
 */
public final class FixtureRunner {

  /** The outcome of one case; {@code diff} says what differed (empty when passed). */
  public record CaseResult(FixtureCase fixtureCase, boolean passed, String diff) {}

  private FixtureRunner() {}

  public static String customer(int caseIndex) {
    return "case-" + (caseIndex + 1);
  }

  /** Runs all cases of {@code fixtures} against {@code rules} (usually just the rule tested). */
  public static List<CaseResult> run(RuleSet rules, FixtureFile fixtures, Configuration base)
      throws Exception {
    List<CustomerEvent> events = new ArrayList<>();
    for (int i = 0; i < fixtures.cases().size(); i++) {
      events.addAll(fixtures.cases().get(i).events(customer(i)));
    }
    Configuration conf = new Configuration(base);
    // As in replay: event time moves only at the end, so case events may be in any order.
    conf.set(PipelineOptions.AUTO_WATERMARK_INTERVAL, Duration.ZERO);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    MemoryJobIO io = MemoryJobIO.ofEvents(events);
    new JourneyflowJob(conf, rules, io).build(env);
    env.execute("fixtures " + fixtures.ruleId());
    List<Action> actions = io.actions.results();
    List<SuppressionSignal> signals = io.signals.results();
    List<DeadLetter> dead = io.deadLetters.results();
    List<Decision> decisions = io.decisions.results();
    io.decisions.clear();
    io.actions.clear();
    io.signals.clear();
    io.deadLetters.clear();

    List<CaseResult> results = new ArrayList<>();
    for (int i = 0; i < fixtures.cases().size(); i++) {
      String customer = customer(i);
      FixtureCase c = fixtures.cases().get(i);
      List<String> problems = new ArrayList<>();
      for (DeadLetter d : dead) {
        // A rejected event keeps its JSON form, which names the case's customer.
        if (d.getPayloadText() != null
            && d.getPayloadText().contains("\"customerId\":\"" + customer + "\"")) {
          problems.add("event rejected (" + d.getStage() + "): " + d.getError());
        }
      }
      compareActions(c, actions.stream().filter(a -> a.getCustomerId().equals(customer))
          .toList(), problems);
      compareSignals(c, signals.stream().filter(s -> s.getCustomerId().equals(customer))
          .sorted(Comparator.comparing(SuppressionSignal::getAt)
              .thenComparing(s -> s.getState().ordinal()))
          .toList(), problems);
      if (c.decisions() != null) {
        compareDecisions(c, decisions.stream().filter(d -> d.getCustomerId().equals(customer))
            .sorted(Comparator.comparing(Decision::getDecidedAt)
                .thenComparing(Decision::getRuleId).thenComparing(Decision::getActionId))
            .toList(), problems);
      }
      results.add(new CaseResult(c, problems.isEmpty(), String.join("\n", problems)));
    }
    return results;
  }

  private static void compareActions(FixtureCase c, List<Action> actual, List<String> out) {
    List<Action> left = new ArrayList<>(actual);
    List<ExpectedAction> missing = new ArrayList<>();
    for (ExpectedAction expected : c.actions()) {
      Action found = left.stream().filter(expected::matches).findFirst().orElse(null);
      if (found == null) {
        missing.add(expected);
      } else {
        left.remove(found);
      }
    }
    if (!missing.isEmpty() || !left.isEmpty()) {
      out.add("actions differ\n    expected: " + c.actions()
          + "\n    actual:   " + actual.stream().map(FixtureRunner::describe).toList()
          + (missing.isEmpty() ? "" : "\n    missing:  " + missing)
          + (left.isEmpty() ? "" : "\n    extra:    "
              + left.stream().map(FixtureRunner::describe).toList()));
    }
  }

  private static void compareSignals(
      FixtureCase c, List<SuppressionSignal> actual, List<String> out) {
    List<ExpectedSignal> expected = c.suppressions();
    boolean same = expected.size() == actual.size();
    for (int i = 0; same && i < expected.size(); i++) {
      same = expected.get(i).matches(actual.get(i));
    }
    if (!same) {
      out.add("suppression signals differ\n    expected: " + expected
          + "\n    actual:   " + actual.stream().map(FixtureRunner::describe).toList());
    }
  }

  private static void compareDecisions(FixtureCase c, List<Decision> actual, List<String> out) {
    List<ExpectedDecision> expected = c.decisions();
    boolean same = expected.size() == actual.size();
    for (int i = 0; same && i < expected.size(); i++) {
      same = expected.get(i).matches(actual.get(i));
    }
    if (!same) {
      out.add("decisions differ\n    expected: " + expected
          + "\n    actual:   " + actual.stream().map(d -> "{outcome: " + d.getOutcome()
              + (d.getReason() == null ? "" : ", reason: " + d.getReason()) + ", type: "
              + d.getActionType() + ", why: " + d.getExplanation() + "}").toList());
    }
  }

  static String describe(Action a) {
    return "{type: " + a.getActionType() + ", channel: " + a.getChannel() + ", priority: "
        + a.getPriority() + ", parameters: " + a.getParameters() + "}";
  }

  static String describe(SuppressionSignal s) {
    Duration at = Duration.between(FixtureCase.BASE, s.getAt());
    return "{state: " + s.getState() + ", scopes: " + s.getScopes() + ", at: +"
        + at.toString().substring(2).toLowerCase() + "}";
  }
}
