package io.journeyflow.jobs;

import io.journeyflow.connectors.KafkaTopics;
import io.journeyflow.jobs.config.JobArguments;
import io.journeyflow.jobs.config.JobOptions;
import io.journeyflow.jobs.config.RuleSets;
import io.journeyflow.jobs.io.KafkaJobIO;
import io.journeyflow.patterns.RuleSet;
import java.time.Duration;
import java.util.List;
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
    if (conf.get(JobOptions.CHECK_TOPICS) && !topicsExist(conf)) {
      return 2;
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    new JourneyflowJob(conf, ruleSet, new KafkaJobIO(conf)).build(env);
    env.execute("journeyflow");
    return 0;
  }

  private static boolean topicsExist(Configuration conf) {
    String bootstrap = conf.get(JobOptions.BOOTSTRAP_SERVERS);
    List<String> missing;
    try {
      missing = KafkaTopics.missing(bootstrap, JobOptions.kafkaProperties(conf),
          KafkaJobIO.topics(conf), Duration.ofSeconds(30));
    } catch (IllegalStateException e) {
      System.err.println(e.getMessage());
      System.err.println("(" + JobOptions.CHECK_TOPICS.key() + ": false skips this check)");
      return false;
    }
    if (!missing.isEmpty()) {
      System.err.println("These topics do not exist on " + bootstrap + ": "
          + String.join(", ", missing) + ". Create them (README, \"Running on a Flink"
          + " cluster\"), or point the job at the right ones. ("
          + JobOptions.CHECK_TOPICS.key() + ": false skips this check)");
    }
    return missing.isEmpty();
  }
}
