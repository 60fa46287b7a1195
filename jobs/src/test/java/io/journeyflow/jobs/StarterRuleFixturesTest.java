package io.journeyflow.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.journeyflow.jobs.testing.MiniClusters;
import io.journeyflow.jobs.testing.CollectionJobIO;
import io.journeyflow.patterns.RuleLoader;
import io.journeyflow.patterns.RuleSet;
import io.journeyflow.patterns.fixtures.ExpectedAction;
import io.journeyflow.patterns.fixtures.ExpectedSignal;
import io.journeyflow.patterns.fixtures.FixtureCase;
import io.journeyflow.patterns.fixtures.FixtureFile;
import io.journeyflow.patterns.fixtures.FixtureLoader;
import io.journeyflow.schema.Action;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.SuppressionSignal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs every starter rule's fixture file ({@code patterns/rules/*.test.yaml}) through the real
 * job graph on a MiniCluster: one job per rule, one customer per case.
 */
class StarterRuleFixturesTest {

  private static final Path RULES = Path.of("..", "patterns", "rules").toAbsolutePath()
      .normalize();

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      MiniClusters.twoSlots();

  @TestFactory
  Stream<DynamicNode> starterRules() {
    RuleSet library = RuleLoader.load(RULES);
    List<Path> files = FixtureLoader.list(RULES);
    assertThat(files).as("every starter rule has fixtures").hasSize(library.rules().size());
    return files.stream().map(file -> container(library, FixtureLoader.load(file)));
  }

  private static DynamicContainer container(RuleSet library, FixtureFile fixtures) {
    Run run = new Run(library.only(fixtures.ruleId()), fixtures);
    List<DynamicTest> tests = new ArrayList<>();
    for (int i = 0; i < fixtures.cases().size(); i++) {
      int index = i;
      FixtureCase c = fixtures.cases().get(i);
      tests.add(DynamicTest.dynamicTest(c.name(), () -> run.check(index)));
    }
    return DynamicContainer.dynamicContainer(fixtures.ruleId(), tests);
  }

  /** One job over all cases of a file, run once on first use. */
  private static final class Run {
    private final RuleSet rules;
    private final FixtureFile fixtures;
    private CollectionJobIO io;

    Run(RuleSet rules, FixtureFile fixtures) {
      this.rules = rules;
      this.fixtures = fixtures;
    }

    static String customer(int index) {
      return "case-" + (index + 1);
    }

    private synchronized CollectionJobIO io() throws Exception {
      if (io == null) {
        List<CustomerEvent> events = new ArrayList<>();
        for (int i = 0; i < fixtures.cases().size(); i++) {
          events.addAll(fixtures.cases().get(i).events(customer(i)));
        }
        Configuration conf = new Configuration();
        // As in replay: event time moves only at the end, so case events may be in any order.
        conf.set(PipelineOptions.AUTO_WATERMARK_INTERVAL, Duration.ZERO);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        io = CollectionJobIO.ofEvents(events);
        new JourneyflowJob(conf, rules, io).build(env);
        env.execute("fixtures " + fixtures.ruleId());
      }
      return io;
    }

    void check(int index) throws Exception {
      CollectionJobIO out = io();
      FixtureCase c = fixtures.cases().get(index);
      String customer = customer(index);
      List<Action> actions = out.actions.results().stream()
          .filter(a -> a.getCustomerId().equals(customer)).toList();
      List<SuppressionSignal> signals = out.signals.results().stream()
          .filter(s -> s.getCustomerId().equals(customer))
          .sorted(Comparator.comparing(SuppressionSignal::getAt)
              .thenComparing(s -> s.getState().ordinal()))
          .toList();
      assertThat(out.deadLetters.results()).as("dead letters").isEmpty();
      checkActions(c, actions);
      checkSignals(c, signals);
    }

    private void checkActions(FixtureCase c, List<Action> actual) {
      List<Action> left = new ArrayList<>(actual);
      for (ExpectedAction expected : c.actions()) {
        Action found = left.stream().filter(expected::matches).findFirst().orElse(null);
        if (found == null) {
          fail(diff(c, "no action matches " + expected, actual.stream()
              .map(StarterRuleFixturesTest::describe).toList()));
        }
        left.remove(found);
      }
      if (!left.isEmpty()) {
        fail(diff(c, left.size() + " unexpected action(s)", left.stream()
            .map(StarterRuleFixturesTest::describe).toList()));
      }
    }

    private void checkSignals(FixtureCase c, List<SuppressionSignal> actual) {
      List<ExpectedSignal> expected = c.suppressions();
      boolean same = expected.size() == actual.size();
      for (int i = 0; same && i < expected.size(); i++) {
        same = expected.get(i).matches(actual.get(i));
      }
      if (!same) {
        fail(diff(c, "suppression signals differ: expected " + expected,
            actual.stream().map(s -> "{state: " + s.getState() + ", scopes: " + s.getScopes()
                + ", at: " + s.getAt() + "}").toList()));
      }
    }

    private String diff(FixtureCase c, String what, List<String> actual) {
      return fixtures.file() + ":" + c.line() + ": case '" + c.name() + "': " + what
          + "\n  actual: " + actual;
    }
  }

  static String describe(Action a) {
    return "{type: " + a.getActionType() + ", channel: " + a.getChannel() + ", parameters: "
        + a.getParameters() + "}";
  }
}
