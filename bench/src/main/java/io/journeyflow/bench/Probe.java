package io.journeyflow.bench;

import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.DeadLetter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.types.Either;

/**
 * Counts the records a run's source hands to the job and when the first and the last came, in
 * this JVM (the harness runs Flink on a local MiniCluster). Chained to the source, so it sees
 * records at the rate the job consumes them: with a pre-loaded topic that is the sustained
 * throughput, as backpressure slows the source to the pipeline's pace.
 */
public final class Probe extends RichMapFunction<Either<DeadLetter, CustomerEvent>,
    Either<DeadLetter, CustomerEvent>> {

  private static final long serialVersionUID = 1L;
  private static final Map<String, Stats> RUNS = new ConcurrentHashMap<>();

  /** What one run's sources saw (all subtasks). */
  public static final class Stats {
    final AtomicLong count = new AtomicLong();
    final LongAccumulator firstNanos = new LongAccumulator(Math::min, Long.MAX_VALUE);
    final LongAccumulator lastNanos = new LongAccumulator(Math::max, Long.MIN_VALUE);

    public long count() {
      return count.get();
    }

    /** System.nanoTime() of the first record, or Long.MAX_VALUE. */
    public long firstNanos() {
      return firstNanos.get();
    }

    /** System.nanoTime() of the last record, or Long.MIN_VALUE. */
    public long lastNanos() {
      return lastNanos.get();
    }
  }

  private final String run;
  private transient Stats stats;
  private transient boolean started;
  private transient int unpublished;
  private transient long last;

  public Probe(String run) {
    this.run = run;
  }

  /** The stats of a run (created empty on first use). */
  public static Stats stats(String run) {
    return RUNS.computeIfAbsent(run, r -> new Stats());
  }

  public static void forget(String run) {
    RUNS.remove(run);
  }

  @Override
  public void open(OpenContext openContext) {
    stats = stats(run);
  }

  @Override
  public Either<DeadLetter, CustomerEvent> map(Either<DeadLetter, CustomerEvent> value) {
    long now = System.nanoTime();
    if (!started) {
      started = true;
      stats.firstNanos.accumulate(now);
    }
    last = now;
    if (++unpublished == 256) {
      publish();
    }
    return value;
  }

  private void publish() {
    stats.count.addAndGet(unpublished);
    unpublished = 0;
    stats.lastNanos.accumulate(last);
  }

  @Override
  public void close() {
    if (stats != null && unpublished > 0) {
      publish();
    }
  }
}
