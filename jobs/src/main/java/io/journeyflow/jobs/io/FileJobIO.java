package io.journeyflow.jobs.io;

import io.journeyflow.connectors.JsonLinesFileSink;
import io.journeyflow.connectors.JsonLinesFileSource;
import io.journeyflow.jobs.Uids;
import io.journeyflow.schema.Action;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.DeadLetter;
import io.journeyflow.schema.Decision;
import io.journeyflow.schema.ErasureConfirmation;
import io.journeyflow.schema.IdentityConflict;
import io.journeyflow.schema.IdentityMerged;
import io.journeyflow.schema.JourneyMetrics;
import io.journeyflow.schema.SuppressionSignal;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;

/**
 * Replay wiring: events from JSON-lines files (bounded: at their end every event-time timer
 * fires, so absence rules and maximum durations complete), outputs to JSON-lines files.
 */
public final class FileJobIO implements JobIO {

  public static final String ACTIONS_FILE = "actions.jsonl";
  public static final String SUPPRESSIONS_FILE = "suppressions.jsonl";
  public static final String DEAD_LETTERS_FILE = "dead-letters.jsonl";
  public static final String DECISIONS_FILE = "decisions.jsonl";
  public static final String ERASURES_FILE = "erasures.jsonl";
  public static final String JOURNEY_METRICS_FILE = "journey-metrics.jsonl";
  public static final String IDENTITY_FILE = "identity.jsonl";
  public static final String IDENTITY_CONFLICTS_FILE = "identity-conflicts.jsonl";

  private final List<Path> inputs;
  private final Path outDir;

  public FileJobIO(List<Path> inputs, Path outDir) {
    this.inputs = List.copyOf(inputs);
    this.outDir = outDir;
  }

  @Override
  public DataStream<Either<DeadLetter, CustomerEvent>> events(
      StreamExecutionEnvironment env, WatermarkStrategy<Either<DeadLetter, CustomerEvent>> wm) {
    // One source per file: each reader knows its file's name for dead-letter origins.
    DataStream<Either<DeadLetter, CustomerEvent>> all = null;
    for (int i = 0; i < inputs.size(); i++) {
      DataStream<Either<DeadLetter, CustomerEvent>> file =
          env.fromSource(JsonLinesFileSource.build(inputs.get(i)), wm, "events " + inputs.get(i))
              .uid(i == 0 ? Uids.SOURCE_EVENTS : Uids.SOURCE_EVENTS + "-" + i);
      all = all == null ? file : all.union(file);
    }
    return all;
  }

  @Override
  public void actions(DataStream<Action> actions) {
    actions
        .sinkTo(new JsonLinesFileSink<>(outDir.resolve(ACTIONS_FILE)))
        .setParallelism(1)
        .uid(Uids.SINK_ACTIONS)
        .name("file actions");
  }

  @Override
  public void suppressions(DataStream<SuppressionSignal> signals) {
    signals
        .sinkTo(new JsonLinesFileSink<>(outDir.resolve(SUPPRESSIONS_FILE)))
        .setParallelism(1)
        .uid(Uids.SINK_SUPPRESSIONS)
        .name("file suppressions");
  }

  @Override
  public void decisions(DataStream<Decision> decisions) {
    decisions
        .sinkTo(new JsonLinesFileSink<>(outDir.resolve(DECISIONS_FILE)))
        .setParallelism(1)
        .uid(Uids.SINK_DECISIONS)
        .name("file decisions");
  }

  @Override
  public void erasures(DataStream<ErasureConfirmation> erasures) {
    erasures
        .sinkTo(new JsonLinesFileSink<>(outDir.resolve(ERASURES_FILE)))
        .setParallelism(1)
        .uid(Uids.SINK_ERASURES)
        .name("file erasures");
  }

  @Override
  public void journeyMetrics(DataStream<JourneyMetrics> metrics) {
    metrics
        .sinkTo(new JsonLinesFileSink<>(outDir.resolve(JOURNEY_METRICS_FILE)))
        .setParallelism(1)
        .uid(Uids.SINK_JOURNEY_METRICS)
        .name("file journey metrics");
  }

  @Override
  public void deadLetters(DataStream<DeadLetter> deadLetters) {
    deadLetters
        .sinkTo(new JsonLinesFileSink<>(outDir.resolve(DEAD_LETTERS_FILE)))
        .setParallelism(1)
        .uid(Uids.SINK_DEAD_LETTERS)
        .name("file dead letters");
  }

  @Override
  public void identityMerges(DataStream<IdentityMerged> merges) {
    merges
        .sinkTo(new JsonLinesFileSink<>(outDir.resolve(IDENTITY_FILE)))
        .setParallelism(1)
        .uid(Uids.SINK_IDENTITY)
        .name("file identity merges");
  }

  @Override
  public void identityConflicts(DataStream<IdentityConflict> conflicts) {
    conflicts
        .sinkTo(new JsonLinesFileSink<>(outDir.resolve(IDENTITY_CONFLICTS_FILE)))
        .setParallelism(1)
        .uid(Uids.SINK_IDENTITY_CONFLICTS)
        .name("file identity conflicts");
  }
}
