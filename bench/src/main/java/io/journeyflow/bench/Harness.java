package io.journeyflow.bench;

import io.journeyflow.connectors.testing.EmbeddedKafka;
import io.journeyflow.jobs.JourneyflowJob;
import io.journeyflow.jobs.config.JobOptions;
import io.journeyflow.patterns.RuleSet;
import io.journeyflow.schema.Action;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.json.ContractJson;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.CompletedCheckpointStats;
import org.apache.flink.runtime.checkpoint.TaskStateStats;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.util.stats.StatsSummarySnapshot;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Runs the benchmark in one JVM: a Kafka broker (in-JVM, or an external one), a local Flink
 * MiniCluster, and for every data set the baseline, the full job at each rule count, the naive
 * layout, then one latency run; collects the measurements into a {@link Report}.
 */
public final class Harness implements AutoCloseable {

  /** The latency run's timeline: buckets of its measured part, and how often it is noted. */
  private static final long TIMELINE_BUCKET_MILLIS = 10_000;
  private static final long TIMELINE_TICK_MILLIS = 2_000;
  /** How often the latency run samples the state size (the issue asks for it to stay flat). */
  private static final long STATE_SAMPLE_MILLIS = 60_000;

  /** Event time of the first pre-loaded event; later ones follow {@link #STEP_MILLIS} apart. */
  static final Instant SIM_START = Instant.parse("2026-11-01T00:00:00Z");

  /** Simulated event time between two pre-loaded events (20 events per second overall). */
  static final long STEP_MILLIS = 50;

  static final int INPUT_PARTITIONS = 2;

  private final BenchSettings settings;
  private final Log log;
  private final Path work;
  private EmbeddedKafka embedded;
  private String bootstrap;
  private MiniCluster cluster;
  private Admin admin;
  private final CpuSampler cpu = new CpuSampler();
  private int runs;

  public Harness(BenchSettings settings, PrintStream log) throws IOException {
    this.settings = settings;
    this.log = new Log(log);
    this.work = Files.createTempDirectory("journeyflow-bench");
  }

  /** Everything the settings ask for; the report is also written to the output directory. */
  public Report run() throws Exception {
    Report report = new Report(settings);
    // Both take seconds, mostly class loading: start them side by side.
    java.util.concurrent.CompletableFuture<Void> flink =
        java.util.concurrent.CompletableFuture.runAsync(() -> {
          try {
            startCluster();
          } catch (Exception e) {
            throw new java.util.concurrent.CompletionException(e);
          }
        });
    startKafka();
    flink.join();
    cpu.start();
    int maxRules = settings.maxRules();
    RuleSet storyRules = RuleTemplates.generate(maxRules, work.resolve("rules-story"));
    boolean warm = settings.warmup().isZero();
    for (int customers : settings.customers()) {
      Path file = report.dataSets.isEmpty() ? settings.eventsFile() : null;
      String topic = preload(customers, settings.events(), storyRules, report, file);
      if (!warm) {
        warmUp(report, topic, customers);
        warm = true;
      }
      Duration limit = settings.maxRunTime();
      // The pass-through moves a data set in a second or two, so one run of it varies by up
      // to 2x between invocations; every ratio divides by the median of a few runs.
      for (int k = 0; k < BASELINE_RUNS && (k == 0 || settings.events() >= 10_000); k++) {
        runThroughput(report, "baseline", "baseline", null, topic, customers, 0, true, limit);
      }
      for (int n : settings.rules()) {
        runThroughput(report, "full", "full", rulesFor(n), topic, customers, n, true, limit);
      }
      for (int n : settings.naiveRules()) {
        runThroughput(report, "naive", "naive", rulesFor(n), topic, customers, n, true, limit);
      }
      for (int n : settings.fastRules()) {
        runThroughput(report, "fast path", "fast", rulesFor(n), topic, customers, n, true, limit);
      }
      for (int n : settings.identityRules()) {
        runThroughput(report, "identity resolution", "identity", rulesFor(n), topic, customers,
            n, true, limit);
      }
    }
    if (settings.latencyRules() > 0) {
      runLatency(report, settings.latencyRules(), settings.customers().get(0), storyRules);
    }
    report.finish();
    return report;
  }

  /**
   * Discarded runs on the first data set, so that the JIT has compiled the code the measured
   * runs execute, with the branch profiles of their data: with fast rules the full job at up to
   * 5 rules once; then the baseline and the fast path at its largest rule count (or the full
   * job) until the JIT compilers use under {@link #SETTLED_JIT_CORES} in both (or the warm-up's
   * time is up). Warmed on a smaller data set instead, measured runs still recompiled for most of
   * their time (0.8 to 1 cores of JIT on the quick data set).
   */
  private void warmUp(Report report, String topic, int customers) throws Exception {
    long warmupEnd = System.nanoTime() + settings.warmup().toNanos();
    log.println("warm-up (not measured) ...");
    int n = Math.min(5, settings.maxRules());
    Duration limit = Duration.ofSeconds(Math.min(10, settings.maxRunTime().toSeconds()));
    String layout = "full";
    if (!settings.fastRules().isEmpty()) {
      // The fast path runs other code (the fast engine, more matches to decide), and its runs
      // share the rest with the full job's: the full job once, then the fast path repeatedly.
      runThroughput(report, "warmup", "full", rulesFor(n), topic, customers, n, false, limit);
      layout = "fast";
      n = java.util.Collections.max(settings.fastRules());
    }
    // The baseline too: its runs sped up one after the other without one (52k, 67k, 98k). On 2
    // cores C2 goes on compiling the job's hot methods for a minute or more after the first
    // runs: a measured run sharing the cores with it measures the compiler too.
    double baseJit;
    double jit;
    do {
      baseJit =
          runThroughput(report, "warmup", "baseline", null, topic, customers, 0, false, limit);
      jit = runThroughput(report, "warmup", layout, rulesFor(n), topic, customers, n, false,
          limit);
      log.printf("  the JIT used %.2f cores (baseline %.2f)%n", jit, baseJit);
    } while (Math.max(jit, baseJit) > SETTLED_JIT_CORES && System.nanoTime() < warmupEnd);
  }

  // -------------------------------------------------------------------------------------------
  // Infrastructure

  private void startKafka() throws Exception {
    if (settings.bootstrap() != null) {
      bootstrap = settings.bootstrap();
      log.println("Kafka: external broker " + bootstrap);
      return;
    }
    embedded = new EmbeddedKafka();
    // Kafka's storage formatter prints to stdout, which is the report's.
    PrintStream stdout = System.out;
    System.setOut(System.err);
    try {
      embedded.beforeAll(null);
    } finally {
      System.setOut(stdout);
    }
    bootstrap = embedded.bootstrapServers();
    log.println("Kafka: in-JVM broker " + bootstrap);
  }

  private void startCluster() throws Exception {
    Configuration conf = new Configuration();
    conf.set(TaskManagerOptions.NUM_TASK_SLOTS, settings.parallelism());
    conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse(settings.managedMemory()));
    conf.set(RestOptions.BIND_PORT, "0");
    conf.set(CoreOptions.TMP_DIRS, work.resolve("flink-tmp").toString());
    cluster =
        new MiniCluster(
            new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(settings.parallelism())
                .withRandomPorts()
                .build());
    cluster.start();
  }

  @Override
  public void close() throws Exception {
    cpu.stop();
    if (admin != null) {
      admin.close();
    }
    try {
      if (cluster != null) {
        cluster.close();
      }
    } finally {
      try {
        if (embedded != null) {
          embedded.afterAll(null);
        }
      } finally {
        deleteQuietly(work);
      }
    }
  }

  private RuleSet rulesFor(int n) throws IOException {
    return RuleTemplates.generate(n, work.resolve("rules-" + n + "-" + (runs + 1)));
  }

  /** The job configuration every run shares (checkpointing, RocksDB, Journeyflow options). */
  private Configuration jobConf(String run, String input, boolean bounded) throws IOException {
    Configuration conf = new Configuration();
    conf.set(CoreOptions.DEFAULT_PARALLELISM, settings.parallelism());
    conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
    conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
    conf.setString("execution.checkpointing.interval",
        settings.checkpointInterval().toMillis() + " ms");
    conf.setString("execution.checkpointing.mode", "EXACTLY_ONCE");
    conf.setString("state.backend.rocksdb.use-bloom-filter", "true");
    conf.setString("state.backend.rocksdb.timer-service.factory", "HEAP"); // as journeyflow.yaml
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    Path checkpoints = Files.createDirectories(work.resolve("checkpoints-" + run));
    conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
    conf.set(JobOptions.BOOTSTRAP_SERVERS, bootstrap);
    conf.set(JobOptions.INPUT_TOPICS, List.of(input));
    conf.set(JobOptions.INPUT_FORMAT, "avro");
    conf.set(JobOptions.GROUP_ID, "bench-" + run);
    conf.set(JobOptions.STARTING_OFFSETS, "earliest");
    conf.set(JobOptions.ACTIONS_TOPIC, run + "-actions");
    conf.set(JobOptions.SUPPRESSIONS_TOPIC, run + "-suppressions");
    conf.set(JobOptions.DEAD_LETTER_TOPIC, run + "-dead-letters");
    conf.set(JobOptions.DECISIONS_TOPIC, run + "-decisions");
    conf.set(JobOptions.ERASURES_TOPIC, run + "-erasures");
    conf.set(JobOptions.JOURNEY_METRICS_TOPIC, run + "-journey-metrics");
    conf.set(JobOptions.POLICIES_TOPIC, run + "-policies");
    conf.set(JobOptions.TRANSACTIONAL_ID_PREFIX, "bench-" + run);
    conf.set(JobOptions.TRANSACTION_TIMEOUT, Duration.ofMinutes(10));
    conf.set(JobOptions.OUT_OF_ORDERNESS, settings.outOfOrderness());
    conf.set(PipelineOptions.AUTO_WATERMARK_INTERVAL, settings.watermarkInterval());
    conf.set(ExecutionOptions.BUFFER_TIMEOUT, settings.bufferTimeout());
    conf.set(JobOptions.IDLENESS, Duration.ofSeconds(5));
    settings.extraConfig().forEach(conf::setString); // last: --set wins
    createTopics(1, run + "-actions", run + "-suppressions", run + "-dead-letters",
        run + "-decisions", run + "-erasures", run + "-events-out", run + "-journey-metrics",
        run + "-policies");
    return conf;
  }

  private void createTopics(int partitions, String... names) {
    if (admin == null) {
      admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }
    try {
      List<NewTopic> topics = new ArrayList<>();
      for (String name : names) {
        // Pre-loaded records carry their (simulated, past) event time as Kafka timestamp: no
        // time-based retention, or the broker deletes them between runs.
        topics.add(new NewTopic(name, partitions, (short) 1)
            .configs(Map.of("retention.ms", "-1", "retention.bytes", "-1")));
      }
      admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create topics " + List.of(names), e);
    }
  }

  private KafkaProducer<String, byte[]> producer() {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.ACKS_CONFIG, "1");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
    return new KafkaProducer<>(props);
  }

  // -------------------------------------------------------------------------------------------
  // Data

  /** Generates a data set into a new topic (and optionally a JSON-lines file); its name. */
  private String preload(int customers, long events, RuleSet storyRules, Report report,
      Path file) throws IOException {
    String topic = "bench-events-" + customers + "-" + (++runs);
    createTopics(INPUT_PARTITIONS, topic);
    EventGenerator generator =
        new EventGenerator(settings.seed(), customers, settings.zipfExponent(),
            settings.storyShare(), storyRules);
    long t0 = System.nanoTime();
    long bytes = 0;
    try (KafkaProducer<String, byte[]> producer = producer();
        BufferedWriter out = file == null ? null : Files.newBufferedWriter(file)) {
      long now = SIM_START.toEpochMilli();
      for (long i = 0; i < events; i++) {
        CustomerEvent event = generator.next(now);
        byte[] value = bytes(event);
        bytes += value.length;
        long at = event.getOccurredAt().toEpochMilli();
        producer.send(new ProducerRecord<>(topic, null, at,
            event.getIdentities().get("customerId"), value));
        if (out != null) {
          out.write(ContractJson.toJson(event));
          out.newLine();
        }
        now += STEP_MILLIS;
      }
      producer.flush();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    log.printf("data: %,d events, %,d customers (%,d active), %,d stories -> %s in %.1f s%n",
        events, customers, generator.distinctCustomers(), generator.storiesStarted(), topic,
        seconds);
    if (report != null) {
      report.dataSet(customers, events, generator.distinctCustomers(),
          generator.storiesStarted(), bytes / Math.max(1, events), file);
    }
    return topic;
  }

  static byte[] bytes(CustomerEvent event) throws IOException {
    ByteBuffer buffer = event.toByteBuffer();
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }

  // -------------------------------------------------------------------------------------------
  // Throughput

  /** The JIT is taken as settled when its compilers use less than this during a run. */
  static final double SETTLED_JIT_CORES = 0.1;

  /** Runs of the baseline per data set (one for toy data sets, as in the smoke run). */
  static final int BASELINE_RUNS = 3;

  /**
   * One throughput run; returns the cores the JIT compilers used over its last three quarters
   * (what the warm-up waits to fall).
   */
  private double runThroughput(Report report, String name, String layout, RuleSet rules,
      String topic, int customers, int n, boolean measured, Duration limit) throws Exception {
    String run = "r" + (++runs) + "-" + layout + "-" + n;
    Configuration conf = jobConf(run, topic, true);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    switch (layout) {
      case "baseline" -> BaselineJob.build(env, conf, run, run + "-events-out");
      case "full" -> new JourneyflowJob(conf, rules, new BenchJobIO(conf, true, run)).build(env);
      case "naive" -> new JourneyflowJob(conf, rules, new BenchJobIO(conf, true, run))
          .withoutEventTypeRouting().build(env);
      case "fast" -> {
        // The full job with the fast rule engine (journeyflow.rules.fast-path).
        conf.set(JobOptions.FAST_RULES, true);
        new JourneyflowJob(conf, rules, new BenchJobIO(conf, true, run)).build(env);
      }
      case "identity" -> {
        // The full job resolving identities: an identity graph and its loop topic in front.
        conf.set(JobOptions.IDENTITY_RESOLUTION, true);
        conf.set(JobOptions.IDENTITY_TOPIC, run + "-identity");
        conf.set(JobOptions.IDENTITY_CONFLICTS_TOPIC, run + "-identity-conflicts");
        conf.set(JobOptions.IDENTITY_LINKS_TOPIC, run + "-identity-links");
        createTopics(1, run + "-identity", run + "-identity-conflicts");
        createTopics(INPUT_PARTITIONS, run + "-identity-links");
        new JourneyflowJob(conf, rules, new BenchJobIO(conf, true, run)).build(env);
      }
      default -> throw new IllegalArgumentException(layout);
    }
    JobGraph graph = env.getStreamGraph().getJobGraph();
    log.printf("%s: %s, %d rule(s), %,d customers ...%n", run, layout, n, customers);
    Probe.Stats stats = Probe.stats(run);
    List<long[]> progress = new ArrayList<>(); // {System.nanoTime(), events consumed}
    long started = System.nanoTime();
    JobID id = cluster.submitJob(graph).get().getJobID();
    long deadline = started + limit.toNanos();
    boolean stopped = false;
    while (true) {
      progress.add(new long[] {System.nanoTime(), stats.count()});
      JobStatus status = cluster.getJobStatus(id).get();
      if (status.isGloballyTerminalState()) {
        if (status != JobStatus.FINISHED && !(stopped && status == JobStatus.CANCELED)) {
          throw new IllegalStateException(run + " ended " + status + ": "
              + cluster.requestJobResult(id).get().getSerializedThrowable()
                  .map(t -> t.getFullStringifiedStackTrace()).orElse("no error"));
        }
        break;
      }
      if (System.nanoTime() > deadline && !stopped) {
        stopped = true;
        cluster.cancelJob(id).get();
      }
      Thread.sleep(100);
    }
    long ended = System.nanoTime();
    Probe.forget(run);
    CheckpointStatsSnapshot checkpoints = checkpointStats(id);
    if (stats.count() == 0) {
      if (!measured) {
        return 0;
      }
      throw new IllegalStateException(run + " consumed no events from " + topic);
    }
    long first = stats.firstNanos();
    long last = stats.lastNanos();
    double seconds = Math.max(1e-9, (last - first) / 1e9);
    // Sustained: the last three quarters of the consuming time, after start-up (RocksDB
    // instances, first checkpoint, JIT of this graph's code).
    long from = first + (last - first) / 4;
    double steadyEvents = stats.count() - interpolate(progress, from);
    double steadySeconds = Math.max(1e-9, (last - from) / 1e9);
    double jitCores = cpu.jitBetween(from, last) / steadySeconds;
    if (!measured) {
      return jitCores;
    }
    double rate = steadyEvents / steadySeconds;
    double cpuSeconds = cpu.between(from, last);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("name", name);
    r.put("layout", layout);
    r.put("rules", n);
    r.put("customers", customers);
    r.put("eventsConsumed", stats.count());
    r.put("completed", !stopped);
    r.put("measuredSeconds", round(seconds, 2));
    r.put("wallSeconds", round((ended - started) / 1e9, 2));
    r.put("eventsPerSecond", Math.round(rate));
    r.put("overallEventsPerSecond", Math.round(stats.count() / seconds));
    r.put("cpuCoresUsed", round(cpuSeconds / steadySeconds, 2));
    r.put("cpuMicrosPerEvent", round(cpuSeconds * 1e6 / Math.max(1, steadyEvents), 2));
    r.put("jitCoresUsed", round(jitCores, 2));
    putCheckpoints(r, checkpoints, customers, report);
    // What the job decided: its cost grows with the matches its rules make, not only with
    // the events (committed records; a run stopped at the time limit loses its last, open
    // transaction).
    long decisions = layout.equals("baseline") ? 0 : committedRecords(run + "-decisions");
    r.put("decisionsCommitted", decisions);
    r.put("decisionsPer100Events", round(100.0 * decisions / stats.count(), 2));
    r.put("overTime", overTime(progress, first, last));
    report.throughput(r);
    log.printf("  %,d events in %.1f s: %,.0f events/s sustained, %.1f us CPU/event (JIT %.2f"
            + " cores), %,d decisions, %s%n",
        stats.count(), seconds, rate, (Double) r.get("cpuMicrosPerEvent"), jitCores, decisions,
        stopped ? "stopped at the time limit" : "topic consumed");
    return jitCores;
  }

  /** Parts of a run's consuming time: whether its rate and the JIT's share had settled. */
  static final int RUN_PARTS = 6;

  private List<Map<String, Object>> overTime(List<long[]> progress, long first, long last) {
    List<Map<String, Object>> parts = new ArrayList<>();
    for (int k = 0; k < RUN_PARTS; k++) {
      long a = first + (last - first) * k / RUN_PARTS;
      long b = first + (last - first) * (k + 1) / RUN_PARTS;
      double secs = Math.max(1e-9, (b - a) / 1e9);
      Map<String, Object> part = new LinkedHashMap<>();
      part.put("fromSecond", round((a - first) / 1e9, 1));
      part.put("eventsPerSecond",
          Math.round((interpolate(progress, b) - interpolate(progress, a)) / secs));
      part.put("cpuCoresUsed", round(cpu.between(a, b) / secs, 2));
      part.put("jitCoresUsed", round(cpu.jitBetween(a, b) / secs, 2));
      parts.add(part);
    }
    return parts;
  }

  /** How many committed records {@code topic} holds (read_committed, to the stable end). */
  private long committedRecords(String topic) {
    try (KafkaConsumer<byte[], byte[]> consumer = fromStart(topic, "read_committed")) {
      List<TopicPartition> partitions = new ArrayList<>(consumer.assignment());
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long count = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline) {
        count += consumer.poll(Duration.ofMillis(200)).count();
        boolean done = true;
        for (TopicPartition tp : partitions) {
          done &= consumer.position(tp) >= end.get(tp);
        }
        if (done) {
          return count;
        }
      }
      log.println("  (counting " + topic + " stopped after 60 s at " + count + " records)");
      return count;
    }
  }

  /** A consumer of every partition of {@code topic} from its start, without a group. */
  private KafkaConsumer<byte[], byte[]> fromStart(String topic, String isolation) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
        ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10");
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props);
    List<TopicPartition> partitions = new ArrayList<>();
    consumer.partitionsFor(topic)
        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return consumer;
  }

  private CheckpointStatsSnapshot checkpointStats(JobID id) {
    AccessExecutionGraph graph = executionGraph(id);
    return graph == null ? null : graph.getCheckpointStatsSnapshot();
  }

  /** The job's execution graph, running or archived; null (logged) when there is none. */
  private AccessExecutionGraph executionGraph(JobID id) {
    try {
      return cluster.getExecutionGraph(id).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      try {
        return cluster.getArchivedExecutionGraph(id).get(30, TimeUnit.SECONDS);
      } catch (Exception e2) {
        log.println("  (no checkpoint statistics: " + e2 + ")");
        return null;
      }
    }
  }

  private static void putCheckpoints(Map<String, Object> r, CheckpointStatsSnapshot s,
      int customers, Report report) {
    long completed = s == null ? 0 : s.getCounts().getNumberOfCompletedCheckpoints();
    r.put("checkpoints", completed);
    CompletedCheckpointStats last =
        s == null ? null : s.getHistory().getLatestCompletedCheckpoint();
    if (last == null) {
      r.put("checkpointAvgMillis", null);
      r.put("checkpointMaxMillis", null);
      r.put("checkpointFullBytes", null);
      r.put("checkpointIncrementalBytes", null);
      r.put("stateBytesPerCustomer", null);
      return;
    }
    StatsSummarySnapshot duration = s.getSummaryStats().getEndToEndDurationStats();
    r.put("checkpointAvgMillis", duration.getAverage());
    r.put("checkpointMaxMillis", duration.getMaximum());
    r.put("checkpointFullBytes", last.getStateSize());
    r.put("checkpointIncrementalBytes", last.getCheckpointedSize());
    int active = report.activeCustomers(customers);
    r.put("stateBytesPerCustomer", active == 0 ? null : last.getStateSize() / active);
  }

  // -------------------------------------------------------------------------------------------
  // Latency

  private void runLatency(Report report, int n, int customers, RuleSet storyRules)
      throws Exception {
    long target = settings.latencyRate();
    // The latency run is the full job; with the fast path set, 70% of the fast path's maximum.
    String layout = Configuration.fromMap(settings.extraConfig()).get(JobOptions.FAST_RULES)
        ? "fast" : "full";
    if (target <= 0) {
      Map<String, Object> max = report.findThroughput(layout, n, customers);
      max = max != null ? max : report.findThroughput("full", n, customers);
      if (max == null) {
        log.println("latency: no full-job throughput at " + n + " rules to take 70% of; skipped");
        return;
      }
      target = Math.max(100, Math.round(0.7 * ((Number) max.get("eventsPerSecond")).longValue()));
    }
    String run = "r" + (++runs) + "-latency-" + n;
    String topic = run + "-events";
    createTopics(INPUT_PARTITIONS, topic);
    Configuration conf = jobConf(run, topic, false);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    new JourneyflowJob(conf, rulesFor(n), new BenchJobIO(conf, false, run)).build(env);
    JobID id = cluster.submitJob(env.getStreamGraph().getJobGraph()).get().getJobID();
    long running = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    for (JobStatus status = cluster.getJobStatus(id).get(); status != JobStatus.RUNNING;
        status = cluster.getJobStatus(id).get()) {
      if (status.isGloballyTerminalState() || System.nanoTime() > running) {
        throw new IllegalStateException(run + " did not start: " + status);
      }
      Thread.sleep(100);
    }
    log.printf("%s: full job, %d rule(s), %,d customers, %,d events/s for %d s"
            + " ...%n", run, n, customers, target, settings.latencyTime().toSeconds());
    EventGenerator generator =
        new EventGenerator(settings.seed() + 1, customers, settings.zipfExponent(),
            settings.storyShare(), storyRules);
    long start = System.currentTimeMillis();
    // The warm-up covers the first checkpoint: its synchronous part (the sinks' first
    // transactions, RocksDB's first flush) takes several times a later one's.
    long interval = settings.checkpointInterval().toMillis();
    long warmup = settings.latencyWarmup().toMillis();
    if (interval <= 60_000) {
      warmup = Math.max(warmup, interval + 3_000);
    }
    long warmupEnd = start + warmup;
    long end = warmupEnd + settings.latencyTime().toMillis();
    // Measured: actions decided after the warm-up; matches decided in the last out-of-orderness
    // of the run wait for a watermark that never comes (no later events), so not those.
    long[] window = {warmupEnd, end - settings.outOfOrderness().toMillis() - 500};
    AtomicBoolean stop = new AtomicBoolean();
    List<Long> committed = Collections.synchronizedList(new ArrayList<>());
    LatencyTimeline timeline = new LatencyTimeline(warmupEnd, TIMELINE_BUCKET_MILLIS);
    String actions = run + "-actions";
    Thread a = watcher(actions, "read_uncommitted", stop, window, timeline::sample);
    Thread b = watcher(actions, "read_committed", stop, window,
        (decided, latency) -> committed.add(latency));
    a.start();
    b.start();
    long sent = 0;
    // State over the run: the last checkpoint's size per customer seen so far, once a minute.
    Set<String> seen = new HashSet<>();
    List<Map<String, Object>> stateOverTime = new ArrayList<>();
    long nextSample = start + STATE_SAMPLE_MILLIS;
    long nextTick = start;
    try (KafkaProducer<String, byte[]> producer = producer()) {
      while (true) {
        long now = System.currentTimeMillis();
        if (now >= end) {
          break;
        }
        if (now >= nextSample) {
          sampleState(id, (now - start) / 1000, seen.size(), stateOverTime);
          nextSample += STATE_SAMPLE_MILLIS;
        }
        if (now >= nextTick) {
          tick(id, timeline, now);
          nextTick += TIMELINE_TICK_MILLIS;
        }
        long due = (now - start) * target / 1000;
        while (sent < due) {
          CustomerEvent event = generator.next(System.currentTimeMillis());
          String customer = event.getIdentities().get("customerId");
          seen.add(customer);
          producer.send(new ProducerRecord<>(topic, null, event.getOccurredAt().toEpochMilli(),
              customer, bytes(event)));
          sent++;
        }
        Thread.sleep(1);
      }
      producer.flush();
    }
    double produced = sent / ((System.currentTimeMillis() - start) / 1000.0);
    // Committed output appears a checkpoint later: wait an interval and a bit (at most a
    // minute: a run with checkpoints far apart measures only read_uncommitted).
    Thread.sleep(Math.min(60_000, interval + Math.min(2000, 2 * interval)));
    stop.set(true);
    a.join();
    b.join();
    cluster.cancelJob(id).get();
    while (!cluster.getJobStatus(id).get().isGloballyTerminalState()) {
      Thread.sleep(100);
    }
    Probe.forget(run);
    List<Long> uncommitted = timeline.latencies();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("layout", layout);
    r.put("rules", n);
    r.put("customers", customers);
    r.put("targetEventsPerSecond", target);
    r.put("producedEventsPerSecond", Math.round(produced));
    r.put("measuredSeconds", settings.latencyTime().toSeconds());
    r.put("outOfOrdernessMillis", settings.outOfOrderness().toMillis());
    r.put("watermarkIntervalMillis", settings.watermarkInterval().toMillis());
    r.put("bufferTimeoutMillis", settings.bufferTimeout().toMillis());
    r.put("extraConfig", settings.extraConfig());
    r.put("checkpointIntervalMillis", settings.checkpointInterval().toMillis());
    r.put("readUncommitted", percentiles(uncommitted));
    r.put("readCommitted", percentiles(committed));
    r.put("stateOverTime", stateOverTime);
    r.put("overTime", timeline.buckets(window[1]));
    r.put("longestSyncByTask", timeline.syncByTask("max"));
    r.put("medianSyncByTask", timeline.syncByTask("median"));
    report.latency(r);
    log.printf("  event-to-action p50/p99/p99.9: %s ms (read_uncommitted), %s ms"
        + " (read_committed)%n", summary(uncommitted), summary(committed));
  }

  /** Adds the latest completed checkpoint's size per customer seen so far to {@code samples}. */
  private void sampleState(JobID id, long seconds, int customers,
      List<Map<String, Object>> samples) {
    CheckpointStatsSnapshot s = checkpointStats(id);
    CompletedCheckpointStats last =
        s == null ? null : s.getHistory().getLatestCompletedCheckpoint();
    if (last == null || customers == 0) {
      return;
    }
    Map<String, Object> sample = new LinkedHashMap<>();
    sample.put("seconds", seconds);
    sample.put("customers", customers);
    sample.put("checkpointFullBytes", last.getStateSize());
    sample.put("stateBytesPerCustomer", last.getStateSize() / customers);
    samples.add(sample);
    log.printf("  [%4d s] state %,d bytes, %,d customers seen, %,d bytes per customer%n",
        seconds, last.getStateSize(), customers, last.getStateSize() / customers);
  }

  /** Notes the GC time so far and the latest completed checkpoint into {@code timeline}. */
  private void tick(JobID id, LatencyTimeline timeline, long now) {
    timeline.tick(now);
    AccessExecutionGraph graph = executionGraph(id);
    CheckpointStatsSnapshot s = graph == null ? null : graph.getCheckpointStatsSnapshot();
    CompletedCheckpointStats last =
        s == null ? null : s.getHistory().getLatestCompletedCheckpoint();
    if (last != null) {
      long sync = 0;
      long alignment = 0;
      long startDelay = 0;
      for (TaskStateStats task : last.getAllTaskStateStats()) {
        TaskStateStats.TaskStateStatsSummary summary = task.getSummaryStats();
        long taskSync = summary.getSyncCheckpointDurationStats().getMaximum();
        timeline.syncOf(graph.getJobVertex(task.getJobVertexId()).getName(),
            last.getCheckpointId(), last.getTriggerTimestamp(), taskSync);
        sync = Math.max(sync, taskSync);
        alignment = Math.max(alignment, summary.getAlignmentDurationStats().getMaximum());
        startDelay = Math.max(startDelay, summary.getCheckpointStartDelayStats().getMaximum());
      }
      timeline.checkpoint(last.getCheckpointId(), last.getTriggerTimestamp(),
          last.getEndToEndDuration(), sync, alignment, startDelay);
    }
  }

  /** Polls {@code topic} with one isolation level; hands on decidedAt and its age per action. */
  private Thread watcher(String topic, String isolation, AtomicBoolean stop, long[] window,
      BiConsumer<Long, Long> sink) {
    Thread t = new Thread(() -> {
      try (KafkaConsumer<byte[], byte[]> consumer = fromStart(topic, isolation)) {
        while (!stop.get()) {
          for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(20))) {
            long now = System.currentTimeMillis();
            Action action;
            try {
              action = Action.fromByteBuffer(ByteBuffer.wrap(record.value()));
            } catch (IOException e) {
              continue;
            }
            long decided = action.getDecidedAt().toEpochMilli();
            if (decided >= window[0] && decided <= window[1]) {
              sink.accept(decided, now - decided);
            }
          }
        }
      }
    }, "bench-" + isolation);
    t.setDaemon(true);
    return t;
  }

  static Map<String, Object> percentiles(List<Long> samples) {
    List<Long> sorted = new ArrayList<>(samples);
    sorted.sort(Comparator.naturalOrder());
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("samples", sorted.size());
    p.put("p50Millis", quantile(sorted, 0.50));
    p.put("p99Millis", quantile(sorted, 0.99));
    p.put("p999Millis", quantile(sorted, 0.999));
    p.put("maxMillis", sorted.isEmpty() ? null : sorted.get(sorted.size() - 1));
    return p;
  }

  static Long quantile(List<Long> sorted, double q) {
    if (sorted.isEmpty()) {
      return null;
    }
    int i = (int) Math.ceil(q * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }

  private static String summary(List<Long> samples) {
    Map<String, Object> p = percentiles(samples);
    return p.get("p50Millis") + "/" + p.get("p99Millis") + "/" + p.get("p999Millis") + " (n="
        + p.get("samples") + ")";
  }

  static double round(double value, int digits) {
    double scale = Math.pow(10, digits);
    return Math.round(value * scale) / scale;
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | RuntimeException e) {
      // temporary files: best effort
    }
  }

  // -------------------------------------------------------------------------------------------

  /** Progress lines on the log stream, each with the seconds since the harness started. */
  static final class Log {
    private final PrintStream out;
    private final long start = System.nanoTime();

    Log(PrintStream out) {
      this.out = out;
    }

    void println(String line) {
      out.printf("[%6.1fs] %s%n", (System.nanoTime() - start) / 1e9, line);
    }

    void printf(String format, Object... args) {
      println(String.format(java.util.Locale.ROOT, format, args).stripTrailing());
    }
  }

  /** Samples this process's CPU time, to integrate it over a run's measured interval. */
  static final class CpuSampler {
    private final com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final java.lang.management.CompilationMXBean jit =
        ManagementFactory.getCompilationMXBean();
    /** {System.nanoTime(), process CPU ns, JIT compilation ns (all compiler threads)}. */
    private final ConcurrentLinkedQueue<long[]> samples = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private Thread thread;

    void start() {
      thread = new Thread(() -> {
        while (!stop.get()) {
          samples.add(new long[] {System.nanoTime(), os.getProcessCpuTime(), jitNanos()});
          if (samples.size() > 200_000) {
            samples.poll();
          }
          try {
            Thread.sleep(50);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "bench-cpu-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    private long jitNanos() {
      return jit != null && jit.isCompilationTimeMonitoringSupported()
          ? jit.getTotalCompilationTime() * 1_000_000L : 0;
    }

    void stop() {
      stop.set(true);
    }

    /** CPU seconds the process used between two System.nanoTime() instants (interpolated). */
    double between(long from, long to) {
      return secondsBetween(1, from, to);
    }

    /** Seconds the JIT compilers spent between two instants (summed over compiler threads). */
    double jitBetween(long from, long to) {
      return secondsBetween(2, from, to);
    }

    private double secondsBetween(int series, long from, long to) {
      List<long[]> list = new ArrayList<>(samples);
      return (interpolate(list, to, series) - interpolate(list, from, series)) / 1e9;
    }
  }

  /** The value at time {@code t} of a series of {time, value} pairs in time order. */
  static double interpolate(List<long[]> list, long t) {
    return interpolate(list, t, 1);
  }

  /** The same for the series of element {@code index} of {time, value...} samples. */
  static double interpolate(List<long[]> list, long t, int index) {
    long[] before = null;
    for (long[] s : list) {
      if (s[0] <= t) {
        before = s;
      } else {
        if (before == null) {
          return s[index];
        }
        double f = (t - before[0]) / (double) (s[0] - before[0]);
        return before[index] + f * (s[index] - before[index]);
      }
    }
    return before == null ? 0 : before[index];
  }
}
