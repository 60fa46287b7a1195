package io.journeyflow.jobs.config;

import io.journeyflow.patterns.RuleLoader;
import io.journeyflow.patterns.RuleSet;
import java.nio.file.Path;
import org.apache.flink.configuration.ReadableConfig;

/** The rule set a job runs: the configured directory, or the bundled starter library. */
public final class RuleSets {

  private RuleSets() {}

  /**
   * The rule set, or null after printing every rule error to {@code err}: a job never starts
   * with an invalid rule.
   */
  public static RuleSet loadOrReport(ReadableConfig config, java.io.PrintStream err)
      throws Exception {
    try {
      return load(config);
    } catch (io.journeyflow.patterns.RuleValidationException e) {
      e.errors().forEach(err::println);
      err.println(e.errors().size() + " rule error(s): fix them and start again.");
      return null;
    }
  }

  /** Throws {@link io.journeyflow.patterns.RuleValidationException} listing every error. */
  public static RuleSet load(ReadableConfig config) throws Exception {
    return config
        .getOptional(JobOptions.RULES_DIR)
        .map(dir -> RuleLoader.load(Path.of(dir)))
        .orElseGet(RuleLoader::loadFromClasspath);
  }
}
