package io.journeyflow.jobs.testing;

import io.journeyflow.connectors.testing.EmbeddedKafka;
import io.journeyflow.jobs.JourneyflowJob;
import io.journeyflow.jobs.config.JobOptions;
import io.journeyflow.jobs.io.KafkaJobIO;
import io.journeyflow.patterns.RuleSet;
import io.journeyflow.schema.Action;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.DeadLetter;
import io.journeyflow.schema.Decision;
import io.journeyflow.schema.SuppressionSignal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The production job on the test MiniCluster against an embedded broker, fresh topics each. */
public final class KafkaJobs {

  private KafkaJobs() {}

  /** Fresh topics for one test, and the job config that names them. */
  public static final class Topics {
    private final EmbeddedKafka kafka;
    public final String input;
    public final String actions;
    public final String signals;
    public final String dead;
    public final String decisions;
    public final String erasures;
    public final String policies;
    public final String metrics;

    public Topics(EmbeddedKafka kafka) throws Exception {
      this.kafka = kafka;
      input = kafka.uniqueTopic("events");
      actions = kafka.uniqueTopic("actions");
      signals = kafka.uniqueTopic("signals");
      dead = kafka.uniqueTopic("dead");
      decisions = kafka.uniqueTopic("decisions");
      erasures = kafka.uniqueTopic("erasures");
      policies = kafka.uniqueTopic("policies");
      metrics = kafka.uniqueTopic("metrics");
      kafka.createTopic(input, 2);
      for (String t : List.of(actions, signals, dead, decisions, erasures, policies, metrics)) {
        kafka.createTopic(t, 1);
      }
    }

    public Configuration config(String format) {
      Configuration conf = new Configuration();
      conf.set(JobOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
      conf.set(JobOptions.INPUT_TOPICS, List.of(input));
      conf.set(JobOptions.INPUT_FORMAT, format);
      conf.set(JobOptions.ACTIONS_TOPIC, actions);
      conf.set(JobOptions.SUPPRESSIONS_TOPIC, signals);
      conf.set(JobOptions.DEAD_LETTER_TOPIC, dead);
      conf.set(JobOptions.DECISIONS_TOPIC, decisions);
      conf.set(JobOptions.ERASURES_TOPIC, erasures);
      conf.set(JobOptions.POLICIES_TOPIC, policies);
      conf.set(JobOptions.JOURNEY_METRICS_TOPIC, metrics);
      conf.set(JobOptions.TRANSACTIONAL_ID_PREFIX, input);
      conf.set(JobOptions.GROUP_ID, input); // jobs of other tests must not share offsets
      conf.set(JobOptions.STARTING_OFFSETS, "earliest");
      conf.set(JobOptions.OUT_OF_ORDERNESS, Duration.ofSeconds(1));
      // No idleness: a split that was idle would let the other partition's tick overtake events
      // written before it, and they would land as late dead letters. Every tick() moves both.
      conf.set(JobOptions.IDLENESS, Duration.ZERO);
      // As config/journeyflow.yaml: timers on the heap.
      conf.setString("state.backend.rocksdb.timer-service.factory", "HEAP");
      // -Dfastpath.job=true runs the same end-to-end tests with the fast rule engine.
      conf.set(JobOptions.FAST_RULES, Boolean.getBoolean("fastpath.job"));
      return conf;
    }

    /** An Avro event, keyed by its customerId. */
    public void produce(CustomerEvent event) {
      kafka.produce(input, event.getIdentities().get("customerId"), bytes(event));
    }

    /** Moves event time to {@code minutes} on both input partitions. */
    public void tick(String id, long minutes) {
      for (int partition = 0; partition < 2; partition++) {
        CustomerEvent tick =
            Events.event(id + "-" + partition, "clock.tick", "tick", minutes);
        kafka.produce(input, partition, "tick", bytes(tick));
      }
    }
  }

  /**
   * Starts the job (parallelism 2, RocksDB, incremental checkpoints every 500 ms), from a
   * savepoint when {@code savepoint} is not null; {@code state.backend.*} keys of {@code conf}
   * configure the state backend.
   */
  public static JobClient start(Configuration conf, RuleSet rules, Path checkpoints,
      String savepoint) throws Exception {
    return start(conf, rules, checkpoints, savepoint, 2);
  }

  /** As {@link #start(Configuration, RuleSet, Path, String)}, at another parallelism. */
  public static JobClient start(Configuration conf, RuleSet rules, Path checkpoints,
      String savepoint, int parallelism) throws Exception {
    Configuration flink = new Configuration();
    flink.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
    flink.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
    flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
    flink.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(500));
    flink.setString("restart-strategy.type", "fixed-delay");
    flink.setString("restart-strategy.fixed-delay.attempts", "20");
    flink.setString("restart-strategy.fixed-delay.delay", "1 s");
    // The job's configuration may choose the state backend's options (timers on the heap).
    conf.toMap().forEach((k, v) -> {
      if (k.startsWith("state.backend.")) {
        flink.setString(k, v);
      }
    });
    if (savepoint != null) {
      flink.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
    env.setParallelism(parallelism);
    new JourneyflowJob(conf, rules, new KafkaJobIO(conf)).build(env);
    return env.executeAsync("it");
  }

  /** Cancels and waits until the job is gone, so nothing writes to the checkpoint dir after. */
  public static void stop(JobClient job) throws Exception {
    job.cancel().get();
    awaitEnd(job);
  }

  public static void awaitEnd(JobClient job) throws Exception {
    try {
      job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException endedExceptionally) {
      // expected for a cancelled job
    }
  }

  public static byte[] bytes(CustomerEvent event) {
    try {
      return bytes(event.toByteBuffer());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] bytes(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }

  public static Action action(byte[] bytes) {
    try {
      return Action.fromByteBuffer(ByteBuffer.wrap(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static SuppressionSignal signal(byte[] bytes) {
    try {
      return SuppressionSignal.fromByteBuffer(ByteBuffer.wrap(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Decision decision(byte[] bytes) {
    try {
      return Decision.fromByteBuffer(ByteBuffer.wrap(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static DeadLetter deadLetter(byte[] bytes) {
    try {
      return DeadLetter.fromByteBuffer(ByteBuffer.wrap(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
