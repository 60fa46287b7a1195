package io.journeyflow.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness end to end at toy size (the {@code smoke} profile: a few thousand events, one
 * rule): in-JVM Kafka, MiniCluster, baseline, full job, naive layout, latency run. Asserts only
 * that a results file with every field comes out; timings are not asserted (see
 * docs/performance.md: performance is read as ratios from real runs, not from tests).
 */
class BenchSmokeTest {

  @Test
  void smokeProfileWritesAResultsFileWithAllFields(@TempDir Path dir) throws Exception {
    BenchSettings p = BenchMain.profile("smoke", dir.resolve("results"));
    Path events = dir.resolve("events.jsonl");
    BenchSettings settings = new BenchSettings(p.profile(), p.customers(), p.rules(),
        p.naiveRules(), p.events(), p.maxRunTime(), p.latencyRules(), p.latencyTime(),
        p.latencyWarmup(), p.checkpointInterval(), p.outOfOrderness(), p.parallelism(),
        p.managedMemory(), Duration.ZERO, p.seed(), p.zipfExponent(), p.storyShare(), null,
        p.outDir(), events, p.fastRules(), p.identityRules(), p.watermarkInterval(),
        p.bufferTimeout(), p.latencyRate(), p.extraConfig());

    Report report;
    try (Harness harness = new Harness(settings, new PrintStream(System.err, true))) {
      report = harness.run();
    }
    Path json = report.write();

    assertThat(json).exists();
    assertThat(json.resolveSibling(json.getFileName().toString().replace(".json", ".md")))
        .exists();
    assertThat(Files.lines(events).count()).isEqualTo(settings.events());
    JsonNode root = new ObjectMapper().readTree(json.toFile());
    assertThat(root.fieldNames()).toIterable().contains("started", "finished", "machine",
        "settings", "dataSets", "throughput", "marginalCpuPerRule", "latency");
    assertThat(root.get("dataSets")).hasSize(1);
    assertThat(root.get("dataSets").get(0).get("events").asLong()).isEqualTo(settings.events());

    List<String> layouts = new ArrayList<>();
    for (JsonNode run : root.get("throughput")) {
      layouts.add(run.get("layout").asText());
      for (String field : Report.THROUGHPUT_FIELDS) {
        assertThat(run.has(field)).as("throughput field %s in %s", field, run).isTrue();
      }
      assertThat(run.get("eventsConsumed").asLong()).isPositive();
      assertThat(run.get("eventsPerSecond").asLong()).isPositive();
      assertThat(run.get("ratioToBaseline").isNumber()).isTrue();
      assertThat(run.has("decisionsPer100Events")).isTrue();
      assertThat(run.get("overTime")).hasSize(Harness.RUN_PARTS);
      for (JsonNode part : run.get("overTime")) {
        assertThat(part.fieldNames()).toIterable().containsExactly(
            "fromSecond", "eventsPerSecond", "cpuCoresUsed", "jitCoresUsed");
      }
    }
    assertThat(layouts).containsExactly("baseline", "full", "naive");

    assertThat(root.get("latency")).hasSize(1);
    JsonNode latency = root.get("latency").get(0);
    for (String isolation : List.of("readUncommitted", "readCommitted")) {
      assertThat(latency.get(isolation).fieldNames()).toIterable()
          .containsExactly("samples", "p50Millis", "p99Millis", "p999Millis", "maxMillis");
    }
    // The timeline: one bucket per 10 s of the measured part, with GC and checkpoints beside.
    assertThat(latency.get("overTime").isArray()).isTrue();
    for (JsonNode bucket : latency.get("overTime")) {
      assertThat(bucket.fieldNames()).toIterable().contains("fromSecond", "samples", "p99Millis",
          "gcMillis", "checkpoints", "longestSyncMillis", "longestAlignmentMillis");
    }
    assertThat(latency.get("longestSyncByTask").isObject()).isTrue();
    assertThat(latency.get("medianSyncByTask").isObject()).isTrue();
    assertThat(report.markdown()).contains("| baseline |", "| full |", "| naive |");
  }
}
