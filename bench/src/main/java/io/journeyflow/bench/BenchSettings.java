package io.journeyflow.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What one harness invocation measures.
 *
 * @param profile a name for the report (quick, full, custom, smoke)
 * @param customers the customer counts M; one pre-loaded data set each
 * @param rules the rule counts N of the full job
 * @param naiveRules the rule counts of the naive layout (one CEP operator per rule, no routing)
 * @param events events per data set
 * @param maxRunTime a throughput run that has not consumed its topic by then is stopped and
 *     measured on what it consumed
 * @param latencyRules rule count of the latency run (0: no latency run)
 * @param latencyTime how long the latency run produces events
 * @param latencyWarmup the first part of the latency run that is not measured
 * @param checkpointInterval for every run, baseline included
 * @param outOfOrderness the job's watermark bound (decisions wait for the watermark)
 * @param parallelism job parallelism (= task slots of the local cluster)
 * @param managedMemory RocksDB's share of the task manager (Flink managed memory)
 * @param warmup how long discarded runs may go on before the measured ones, so that the JIT
 *     has compiled the job's hot code (zero: no warm-up)
 * @param seed the generator's seed
 * @param zipfExponent skew of customer activity
 * @param storyShare fraction of events that begin a story completing a rule
 * @param bootstrap an external Kafka broker (null: start one in this JVM)
 * @param outDir where {@code <date>.json} and {@code <date>.md} go
 * @param eventsFile also write the first data set as JSON lines here (null: no)
 * @param fastRules the rule counts of the full job with the fast rule engine on
 *     (journeyflow.rules.fast-path), beside the full job's rows
 * @param identityRules the rule counts of the full job with identity resolution on
 *     (journeyflow.identity.resolution); its loop source never ends, so these rows always run
 *     to the time limit
 * @param watermarkInterval how often sources emit watermarks (Flink's
 *     pipeline.auto-watermark-interval): with the out-of-orderness bound, the floor of the
 *     event-to-action latency
 * @param bufferTimeout how long a network buffer may wait to fill before it is sent (Flink's
 *     execution.buffer-timeout.interval): added to the latency at each exchange
 * @param latencyRate events/s of the latency run; 0: 70% of the full job's measured maximum
 * @param extraConfig Flink or Journeyflow options for every run, the baseline's included
 *     (e.g. pipeline.object-reuse), to measure a setting against the same baseline
 */
public record BenchSettings(
    String profile,
    List<Integer> customers,
    List<Integer> rules,
    List<Integer> naiveRules,
    long events,
    Duration maxRunTime,
    int latencyRules,
    Duration latencyTime,
    Duration latencyWarmup,
    Duration checkpointInterval,
    Duration outOfOrderness,
    int parallelism,
    String managedMemory,
    Duration warmup,
    long seed,
    double zipfExponent,
    double storyShare,
    String bootstrap,
    Path outDir,
    Path eventsFile,
    List<Integer> fastRules,
    List<Integer> identityRules,
    Duration watermarkInterval,
    Duration bufferTimeout,
    long latencyRate,
    java.util.Map<String, String> extraConfig) {

  public BenchSettings {
    customers = List.copyOf(customers);
    rules = List.copyOf(rules);
    naiveRules = List.copyOf(naiveRules);
    fastRules = List.copyOf(fastRules);
    identityRules = List.copyOf(identityRules);
    extraConfig = java.util.Map.copyOf(extraConfig);
    if (customers.isEmpty()) {
      throw new IllegalArgumentException("at least one customer count");
    }
  }

  /** The largest rule count of any run: the data sets' stories walk this many rules. */
  public int maxRules() {
    int max = Math.max(1, latencyRules);
    for (int n : rules) {
      max = Math.max(max, n);
    }
    for (int n : naiveRules) {
      max = Math.max(max, n);
    }
    for (int n : fastRules) {
      max = Math.max(max, n);
    }
    for (int n : identityRules) {
      max = Math.max(max, n);
    }
    return max;
  }
}
