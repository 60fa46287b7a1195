package io.journeyflow.jobs.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Option;

/** The command-line options every job entry point shares: config file, rules, overrides. */
public final class JobArguments {

  @Option(names = "--config", description = "Job config file (YAML), e.g. config/journeyflow.yaml")
  Path config;

  @Option(names = "--rules", description = "Rule directory (default: bundled starter library)")
  Path rules;

  @Option(names = "-D", description = "Config override key=value (repeatable)")
  List<String> overrides = new ArrayList<>();

  /** The configuration these arguments describe. */
  public Configuration configuration() throws java.io.IOException {
    Configuration conf = ConfigFiles.load(config, overrides);
    if (rules != null) {
      conf.set(JobOptions.RULES_DIR, rules.toString());
    }
    return conf;
  }
}
