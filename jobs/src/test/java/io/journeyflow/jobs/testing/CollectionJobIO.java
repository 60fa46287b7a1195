package io.journeyflow.jobs.testing;

import io.journeyflow.connectors.ConnectorTypes;
import io.journeyflow.jobs.Uids;
import io.journeyflow.jobs.io.JobIO;
import io.journeyflow.schema.Action;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.DeadLetter;
import io.journeyflow.schema.SuppressionSignal;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;

/** Test wiring: a bounded collection of input, outputs collected in memory. */
public final class CollectionJobIO implements JobIO {

  private final List<Either<DeadLetter, CustomerEvent>> input;
  public final CollectingSink<Action> actions = new CollectingSink<>();
  public final CollectingSink<SuppressionSignal> signals = new CollectingSink<>();
  public final CollectingSink<DeadLetter> deadLetters = new CollectingSink<>();

  public CollectionJobIO(List<Either<DeadLetter, CustomerEvent>> input) {
    this.input = input;
  }

  public static CollectionJobIO ofEvents(List<CustomerEvent> events) {
    List<Either<DeadLetter, CustomerEvent>> input = new ArrayList<>();
    for (CustomerEvent e : events) {
      input.add(Either.Right(e));
    }
    return new CollectionJobIO(input);
  }

  @Override
  public DataStream<Either<DeadLetter, CustomerEvent>> events(
      StreamExecutionEnvironment env, WatermarkStrategy<Either<DeadLetter, CustomerEvent>> wm) {
    return env.fromData(input, ConnectorTypes.decodedType())
        .uid(Uids.SOURCE_EVENTS)
        .assignTimestampsAndWatermarks(wm);
  }

  @Override
  public void actions(DataStream<Action> stream) {
    stream.sinkTo(actions).uid(Uids.SINK_ACTIONS);
  }

  @Override
  public void suppressions(DataStream<SuppressionSignal> stream) {
    stream.sinkTo(signals).uid(Uids.SINK_SUPPRESSIONS);
  }

  @Override
  public void deadLetters(DataStream<DeadLetter> stream) {
    stream.sinkTo(deadLetters).uid(Uids.SINK_DEAD_LETTERS);
  }
}
