package io.journeyflow.jobs;

import io.journeyflow.jobs.config.JobArguments;
import io.journeyflow.jobs.config.JobOptions;
import io.journeyflow.jobs.config.RuleSets;
import io.journeyflow.jobs.io.FileJobIO;
import io.journeyflow.jobs.io.OutputFiles;
import io.journeyflow.patterns.RuleSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Runs the job graph once over JSON-lines event files and writes actions, suppression signals
 * and dead letters as JSON-lines files, sorted so that two replays of the same input compare.
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = "Replays event files through the job and writes its outputs as JSON lines.")
public final class ReplayMain implements Callable<Integer> {

  @Option(names = "--events", required = true, description = "JSON-lines event file(s)")
  List<Path> events;

  @Option(names = "--out", required = true, description = "Output directory")
  Path out;

  @Mixin JobArguments arguments = new JobArguments();

  public static void main(String[] args) {
    System.exit(new CommandLine(new ReplayMain()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Configuration conf = arguments.configuration();
    RuleSet ruleSet = RuleSets.loadOrReport(conf, System.err);
    if (ruleSet == null) {
      return 2;
    }
    for (Path file : events) {
      if (!Files.isRegularFile(file)) {
        System.err.println("no such event file: " + file);
        return 2;
      }
    }
    Files.createDirectories(out);
    forReplay(conf);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    new JourneyflowJob(conf, ruleSet, new FileJobIO(events, out)).build(env);
    env.execute("journeyflow replay");
    OutputFiles.sortAll(out);
    System.out.println(OutputFiles.summary(out));
    return 0;
  }

  /**
   * A file may hold events in any order. Without periodic watermarks, event time only advances
   * at the end of input, so nothing is late and CEP sees every customer's events sorted.
   */
  static void forReplay(Configuration conf) {
    conf.set(PipelineOptions.AUTO_WATERMARK_INTERVAL, java.time.Duration.ZERO);
    conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.STREAMING);
    if (conf.get(JobOptions.IDENTITY_RESOLUTION)) {
      // No loop topic: the identity graph and the journeys deliver their loop records in place,
      // which reaches every key only at parallelism 1 (and keeps the replay deterministic).
      if (conf.contains(CoreOptions.DEFAULT_PARALLELISM)
          && conf.get(CoreOptions.DEFAULT_PARALLELISM) != 1) {
        System.err.println("replay with identity resolution runs at parallelism 1, not "
            + conf.get(CoreOptions.DEFAULT_PARALLELISM) + " (docs/identity.md, Replay)");
      }
      conf.set(CoreOptions.DEFAULT_PARALLELISM, 1);
    } else if (!conf.contains(CoreOptions.DEFAULT_PARALLELISM)) {
      conf.set(CoreOptions.DEFAULT_PARALLELISM, 2);
    }
    // JobManager and TaskManager share this JVM: a missed heartbeat only means a starved
    // machine, and failing a replay (which has no checkpoints to restart from) for it would
    // throw away minutes of work. Seen with a 2M-event replay at load average 15.
    if (!conf.contains(HeartbeatManagerOptions.HEARTBEAT_TIMEOUT)) {
      conf.set(HeartbeatManagerOptions.HEARTBEAT_TIMEOUT, java.time.Duration.ofMinutes(10));
    }
  }
}
