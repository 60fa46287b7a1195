package io.journeyflow.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.journeyflow.jobs.testing.MiniClusters;
import io.journeyflow.jobs.tools.FixtureRunner;
import io.journeyflow.patterns.RuleLoader;
import io.journeyflow.patterns.RuleSet;
import io.journeyflow.patterns.fixtures.FixtureFile;
import io.journeyflow.patterns.fixtures.FixtureLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
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
    List<DynamicTest> tests = new ArrayList<>();
    Run run = new Run(library.only(fixtures.ruleId()), fixtures);
    for (int i = 0; i < fixtures.cases().size(); i++) {
      int index = i;
      tests.add(DynamicTest.dynamicTest(fixtures.cases().get(i).name(), () -> {
        FixtureRunner.CaseResult result = run.results().get(index);
        if (!result.passed()) {
          fail(fixtures.file() + ":" + result.fixtureCase().line() + ": case '"
              + result.fixtureCase().name() + "': " + result.diff());
        }
      }));
    }
    return DynamicContainer.dynamicContainer(fixtures.ruleId(), tests);
  }

  /** One job per fixture file, run on first use. */
  private static final class Run {
    private final RuleSet rules;
    private final FixtureFile fixtures;
    private List<FixtureRunner.CaseResult> results;

    Run(RuleSet rules, FixtureFile fixtures) {
      this.rules = rules;
      this.fixtures = fixtures;
    }

    synchronized List<FixtureRunner.CaseResult> results() throws Exception {
      if (results == null) {
        Configuration conf = new Configuration();
        conf.set(CoreOptions.DEFAULT_PARALLELISM, 2);
        results = FixtureRunner.run(rules, fixtures, conf);
      }
      return results;
    }
  }
}
