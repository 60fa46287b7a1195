package io.journeyflow.jobs;

import io.journeyflow.jobs.config.JobArguments;
import io.journeyflow.jobs.config.RuleSets;
import io.journeyflow.jobs.io.KafkaJobIO;
import io.journeyflow.patterns.RuleSet;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Entry point of the job jar: parses config and rules, then runs {@link JourneyflowJob}. */
@Command(
    name = "journeyflow",
    mixinStandardHelpOptions = true,
    description = "Runs Journeyflow: Kafka events -> rules -> actions and suppression signals.")
public final class JourneyflowMain implements Callable<Integer> {

  @Mixin JobArguments arguments = new JobArguments();

  public static void main(String[] args) {
    int exit = new CommandLine(new JourneyflowMain()).execute(args);
    if (exit != 0) {
      System.exit(exit);
    }
  }

  @Override
  public Integer call() throws Exception {
    Configuration conf = arguments.configuration();
    RuleSet ruleSet = RuleSets.loadOrReport(conf, System.err);
    if (ruleSet == null) {
      return 2;
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    new JourneyflowJob(conf, ruleSet, new KafkaJobIO(conf)).build(env);
    env.execute("journeyflow");
    return 0;
  }
}
