package io.journeyflow.jobs.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.journeyflow.connectors.InputFormat;
import io.journeyflow.jobs.config.ConfigFiles;
import io.journeyflow.patterns.Rule;
import io.journeyflow.patterns.RuleError;
import io.journeyflow.patterns.RuleLoader;
import io.journeyflow.patterns.RuleSet;
import io.journeyflow.patterns.RuleValidationException;
import io.journeyflow.patterns.fixtures.FixtureFile;
import io.journeyflow.patterns.fixtures.FixtureLoader;
import io.journeyflow.patterns.tools.EventCatalog;
import io.journeyflow.patterns.tools.RuleExplainer;
import io.journeyflow.patterns.tools.RuleWarnings;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The pattern author's command line: validate, test, backtest and explain rules. */
@Command(
    name = "rules",
    mixinStandardHelpOptions = true,
    description = "Write, check, test and backtest Journeyflow rules without writing Java.",
    subcommands = {
      RulesCli.Validate.class,
      RulesCli.Test.class,
      RulesCli.BacktestCommand.class,
      RulesCli.Explain.class,
      RulesCli.Generate.class,
      RulesCli.Diff.class
    })
public final class RulesCli implements Runnable {

  static final Path DEFAULT_RULES = Path.of("patterns", "rules");
  static final Path DEFAULT_CATALOG = Path.of("config", "event-catalog.yaml");

  @Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(new CommandLine(new RulesCli()).execute(args));
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Checks every rule file and reports every error and warning. */
  @Command(name = "validate", mixinStandardHelpOptions = true,
      description = "Check rule directories: every error with file:line:column and a hint;"
          + " warnings for rules that can never match, lack 'within', or share ids.")
  static final class Validate implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "DIR", description = "Rule directories"
        + " (default: patterns/rules)")
    List<Path> dirs = new ArrayList<>();

    @Option(names = "--catalog", description = "Event catalog (default: ${DEFAULT-VALUE})",
        defaultValue = "config/event-catalog.yaml")
    Path catalog;

    @Option(names = "--no-catalog", description = "Skip the event-type checks")
    boolean noCatalog;

    @Override
    public Integer call() {
      return validate(dirs.isEmpty() ? List.of(DEFAULT_RULES) : dirs,
          noCatalog || !Files.exists(catalog) ? null : EventCatalog.load(catalog),
          System.out);
    }
  }

  static int validate(List<Path> dirs, EventCatalog catalog, PrintStream out) {
    List<RuleError> errors = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    Map<String, Path> idDir = new HashMap<>();
    int rules = 0;
    for (Path dir : dirs) {
      RuleLoader.Checked checked = RuleLoader.check(dir);
      errors.addAll(checked.errors());
      rules += checked.rules().size();
      warnings.addAll(RuleWarnings.of(new RuleSet(checked.rules()), catalog));
      for (Rule r : checked.rules()) {
        Path other = idDir.putIfAbsent(r.id(), dir);
        if (other != null) {
          warnings.add(r.sourceFile() + ": rule id '" + r.id() + "' is also used in " + other
              + ": only one of them can be deployed");
        }
      }
    }
    errors.forEach(e -> out.println("error: " + e));
    warnings.forEach(w -> out.println("warning: " + w));
    out.printf("%d rule(s) checked in %d director%s: %d error(s), %d warning(s)%n", rules,
        dirs.size(), dirs.size() == 1 ? "y" : "ies", errors.size(), warnings.size());
    return errors.isEmpty() ? 0 : 1;
  }

  /** Runs fixture files through the real job graph, like a test runner. */
  @Command(name = "test", mixinStandardHelpOptions = true,
      description = "Run <rule>.test.yaml fixtures through the compiled rules and the job.")
  static final class Test implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "DIR", description = "Rule directory (default:"
        + " patterns/rules)")
    Path dir;

    @Option(names = "--rule", description = "Only this rule's fixtures")
    String rule;

    @Override
    public Integer call() throws Exception {
      return test(dir == null ? DEFAULT_RULES : dir, rule, System.out);
    }
  }

  static int test(Path dir, String only, PrintStream out) throws Exception {
    RuleSet library;
    try {
      library = RuleLoader.load(dir);
    } catch (RuleValidationException e) {
      e.errors().forEach(err -> out.println("error: " + err));
      out.println("0 passed, " + e.errors().size() + " failed");
      return 1;
    }
    int passed = 0;
    int failed = 0;
    Configuration conf = new Configuration();
    conf.set(CoreOptions.DEFAULT_PARALLELISM, 2);
    for (Path file : FixtureLoader.list(dir)) {
      FixtureFile fixtures;
      try {
        fixtures = FixtureLoader.load(file);
      } catch (RuleValidationException e) {
        e.errors().forEach(err -> out.println("FAIL " + err));
        failed++;
        continue;
      }
      if (only != null && !only.equals(fixtures.ruleId())) {
        continue;
      }
      if (library.rule(fixtures.ruleId()) == null) {
        out.println("FAIL " + file + ": no rule '" + fixtures.ruleId() + "' in " + dir);
        failed++;
        continue;
      }
      for (FixtureRunner.CaseResult r :
          FixtureRunner.run(library.only(fixtures.ruleId()), fixtures, conf)) {
        if (r.passed()) {
          passed++;
          out.println("PASS " + fixtures.ruleId() + " > " + r.fixtureCase().name());
        } else {
          failed++;
          out.println("FAIL " + fixtures.ruleId() + " > " + r.fixtureCase().name() + "  ("
              + file + ":" + r.fixtureCase().line() + ")");
          r.diff().lines().forEach(l -> out.println("     " + l));
        }
      }
    }
    out.println(passed + " passed, " + failed + " failed");
    return failed == 0 ? 0 : 1;
  }

  /** Candidate rules over history, with nothing written to live topics. */
  @Command(name = "backtest", mixinStandardHelpOptions = true,
      description = "Run candidate rules over history (event files or a Kafka topic range) and"
          + " report matches, actions, customers and examples per rule.")
  static final class BacktestCommand implements Callable<Integer> {
    @Option(names = "--rules", description = "Candidate rule directory", required = true)
    Path rules;

    @Option(names = "--events", description = "JSON-lines event file(s)")
    List<Path> events = new ArrayList<>();

    @Option(names = "--topic", description = "Kafka topic to read history from")
    String topic;

    @Option(names = "--bootstrap", description = "Kafka bootstrap servers (with --topic)",
        defaultValue = "127.0.0.1:9092")
    String bootstrap;

    @Option(names = "--format", description = "Topic encoding: avro or json",
        defaultValue = "avro")
    String format;

    @Option(names = "--from", description = "Start of the event-time range (ISO-8601)")
    Instant from;

    @Option(names = "--to", description = "End of the event-time range, exclusive (ISO-8601)")
    Instant to;

    @Option(names = "--compare-with", description = "Rules deployed today, to report added and"
        + " removed actions (a directory, or 'bundled' for the starter library)")
    String compareWith;

    @Option(names = "--examples", description = "Example matches per rule",
        defaultValue = "3")
    int examples;

    @Option(names = "--config", description = "Job config file (YAML)")
    Path config;

    @Option(names = "--report", description = "Also write the report as JSON here")
    Path report;

    @Override
    public Integer call() throws Exception {
      if (events.isEmpty() == (topic == null)) {
        System.err.println("give either --events FILE... or --topic TOPIC");
        return 2;
      }
      Configuration conf = ConfigFiles.load(config, List.of());
      if (!conf.contains(CoreOptions.DEFAULT_PARALLELISM)) {
        conf.set(CoreOptions.DEFAULT_PARALLELISM, 2);
      }
      RuleSet candidate;
      RuleSet baseline = null;
      try {
        candidate = RuleLoader.load(rules);
        if (compareWith != null) {
          baseline = compareWith.equals("bundled") ? RuleLoader.loadFromClasspath()
              : RuleLoader.load(Path.of(compareWith));
        }
      } catch (RuleValidationException e) {
        e.errors().forEach(err -> System.err.println("error: " + err));
        return 1;
      }
      Backtest.Source source = new Backtest.Source(events, bootstrap, topic,
          InputFormat.parse(format));
      Backtest.Report result =
          new Backtest(source, from == null ? Instant.EPOCH : from,
              to == null ? Instant.parse("9999-01-01T00:00:00Z") : to, examples, conf,
              System.err)
              .run(candidate, baseline);
      Backtest.print(result, System.out);
      if (report != null) {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .writeValue(report.toFile(), result);
      }
      return 0;
    }
  }

  /** A history with known answers, to try backtests on. */
  @Command(name = "generate", mixinStandardHelpOptions = true,
      description = "Write a seeded event history whose starter-rule actions are known.")
  static final class Generate implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "JSON-lines file to write")
    Path out;

    @Option(names = "--customers", defaultValue = "10000", description = "Customers")
    int customers;

    @Option(names = "--noise", defaultValue = "5", description = "Noise events per customer")
    int noise;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed")
    long seed;

    @Override
    public Integer call() throws Exception {
      HistoryGenerator.Expected e = HistoryGenerator.write(out, customers, noise, seed);
      System.out.printf("wrote %,d events to %s; expected actions sent: cart-abandonment %d"
          + " (and %d blocked for lack of consent), selfservice-to-agent %d,"
          + " trial-no-activation %d, repeat-contact %d%n", e.events(), out, e.cartReminders(),
          e.cartBlocked(), e.selfserviceRoutes(), e.onboardingTips(), e.escalations());
      return 0;
    }
  }

  /** Whether a running job may restart from its savepoint with another rule set. */
  @Command(name = "diff", mixinStandardHelpOptions = true,
      description = "Compare the deployed rule directory with a new one, as a restart from a"
          + " savepoint sees it: added, removed, changed with a new version, changed without a"
          + " version bump (refused). Exit 0 ok, 1 refused, 2 invalid rules.")
  static final class Diff implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "OLD_DIR", description = "Rules deployed now")
    Path oldDir;

    @Parameters(index = "1", paramLabel = "NEW_DIR", description = "Rules to deploy")
    Path newDir;

    @Option(names = "--allow-removed", description = "Removing a rule (and its partial"
        + " matches) is ok")
    boolean allowRemoved;

    @Override
    public Integer call() {
      RuleSetDiff diff;
      try {
        diff = RuleSetDiff.of(oldDir, newDir);
      } catch (RuleValidationException e) {
        e.errors().forEach(err -> System.out.println("error: " + err));
        return 2;
      }
      diff.print(System.out, allowRemoved);
      return diff.refused(allowRemoved) ? 1 : 0;
    }
  }

  /** A rule in plain words. */
  @Command(name = "explain", mixinStandardHelpOptions = true,
      description = "Print the compiled pattern of a rule (steps, contiguity, window) in words.")
  static final class Explain implements Callable<Integer> {
    @Parameters(paramLabel = "RULE", description = "Rule id, or path to a rule file")
    String rule;

    @Option(names = "--rules", description = "Rule directory (default: patterns/rules)")
    Path dir;

    @Override
    public Integer call() throws Exception {
      Rule r;
      try {
        if (rule.endsWith(".yaml") && Files.exists(Path.of(rule))) {
          r = RuleLoader.parse(rule, Files.readString(Path.of(rule)));
        } else {
          r = RuleLoader.load(dir == null ? DEFAULT_RULES : dir).rule(rule);
        }
      } catch (RuleValidationException e) {
        e.errors().forEach(err -> System.err.println("error: " + err));
        return 1;
      }
      if (r == null) {
        System.err.println("no rule '" + rule + "'");
        return 1;
      }
      System.out.print(RuleExplainer.explain(r));
      return 0;
    }
  }
}
