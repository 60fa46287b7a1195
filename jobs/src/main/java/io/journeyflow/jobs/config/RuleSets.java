package io.journeyflow.jobs.config;

import io.journeyflow.patterns.RuleLoader;
import io.journeyflow.patterns.RuleSet;
import java.nio.file.Path;
import org.apache.flink.configuration.ReadableConfig;

/** The rule set a job runs: the configured directory, or the bundled starter library. */
public final class RuleSets {

  private RuleSets() {}

  /** Throws {@link io.journeyflow.patterns.RuleValidationException} listing every error. */
  public static RuleSet load(ReadableConfig config) throws Exception {
    return config
        .getOptional(JobOptions.RULES_DIR)
        .map(dir -> RuleLoader.load(Path.of(dir)))
        .orElseGet(RuleLoader::loadFromClasspath);
  }
}
