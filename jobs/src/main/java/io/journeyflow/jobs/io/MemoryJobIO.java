package io.journeyflow.jobs.io;

import io.journeyflow.connectors.ConnectorTypes;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;

/**
 * In-process wiring for tools and tests that run the job on a local MiniCluster: input from a
 * collection or another source, outputs collected in this JVM's memory.
 */
public class MemoryJobIO implements JobIO {

  private final List<Either<DeadLetter, CustomerEvent>> input;
  public final MemorySink<Action> actions = new MemorySink<>();
  public final MemorySink<SuppressionSignal> signals = new MemorySink<>();
  public final MemorySink<DeadLetter> deadLetters = new MemorySink<>();
  public final MemorySink<Decision> decisions = new MemorySink<>();
  public final MemorySink<ErasureConfirmation> erasures = new MemorySink<>();
  public final MemorySink<JourneyMetrics> journeyMetrics = new MemorySink<>();
  public final MemorySink<IdentityMerged> identityMerges = new MemorySink<>();
  public final MemorySink<IdentityConflict> identityConflicts = new MemorySink<>();

  public MemoryJobIO(List<Either<DeadLetter, CustomerEvent>> input) {
    this.input = input;
  }

  public static MemoryJobIO ofEvents(List<CustomerEvent> events) {
    List<Either<DeadLetter, CustomerEvent>> input = new ArrayList<>();
    for (CustomerEvent e : events) {
      input.add(Either.Right(e));
    }
    return new MemoryJobIO(input);
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
    stream.sinkTo(actions).uid(Uids.SINK_ACTIONS).name("memory actions");
  }

  @Override
  public void suppressions(DataStream<SuppressionSignal> stream) {
    stream.sinkTo(signals).uid(Uids.SINK_SUPPRESSIONS).name("memory suppressions");
  }

  @Override
  public void deadLetters(DataStream<DeadLetter> stream) {
    stream.sinkTo(deadLetters).uid(Uids.SINK_DEAD_LETTERS).name("memory dead letters");
  }

  @Override
  public void decisions(DataStream<Decision> stream) {
    stream.sinkTo(decisions).uid(Uids.SINK_DECISIONS).name("memory decisions");
  }

  @Override
  public void erasures(DataStream<ErasureConfirmation> stream) {
    stream.sinkTo(erasures).uid(Uids.SINK_ERASURES).name("memory erasures");
  }

  @Override
  public void journeyMetrics(DataStream<JourneyMetrics> stream) {
    stream.sinkTo(journeyMetrics).uid(Uids.SINK_JOURNEY_METRICS).name("memory journey metrics");
  }

  @Override
  public void identityMerges(DataStream<IdentityMerged> stream) {
    stream.sinkTo(identityMerges).uid(Uids.SINK_IDENTITY).name("memory identity merges");
  }

  @Override
  public void identityConflicts(DataStream<IdentityConflict> stream) {
    stream.sinkTo(identityConflicts).uid(Uids.SINK_IDENTITY_CONFLICTS)
        .name("memory identity conflicts");
  }

  /** Records land in a JVM-wide queue named by the sink: local execution only. */
  public static final class MemorySink<T> implements Sink<T> {

    private static final Map<String, ConcurrentLinkedQueue<Object>> RESULTS =
        new ConcurrentHashMap<>();

    private final String name = UUID.randomUUID().toString();

    MemorySink() {
      RESULTS.put(name, new ConcurrentLinkedQueue<>());
    }

    @SuppressWarnings("unchecked")
    public List<T> results() {
      List<T> out = new ArrayList<>();
      for (Object o : RESULTS.get(name)) {
        out.add((T) o);
      }
      return out;
    }

    /** Frees the collected records. */
    public void clear() {
      RESULTS.remove(name);
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
      return new Writer<>(RESULTS.get(name));
    }

    /** Appends to the sink's queue. */
    private static final class Writer<T> implements SinkWriter<T> {
      private final ConcurrentLinkedQueue<Object> queue;

      Writer(ConcurrentLinkedQueue<Object> queue) {
        this.queue = queue;
      }

      @Override
      public void write(T element, Context context) {
        queue.add(element);
      }

      @Override
      public void flush(boolean endOfInput) {}

      @Override
      public void close() {}
    }
  }
}
