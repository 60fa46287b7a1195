package io.journeyflow.jobs.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyflow.connectors.testing.EmbeddedKafka;
import io.journeyflow.jobs.testing.MiniClusters;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The demo's stories end to end with the demo's config (config/demo.yaml: CEP rules, identity
 * resolution through the Kafka loop topic), on the test MiniCluster: every expected action,
 * signal, decision, dead letter and merge must arrive, so that `mvn verify` keeps the demo's
 * promises. (It does not replace running {@code scripts/demo}: a route-filter change that made
 * the demo's own local cluster dead-letter a contact as late passed here.)
 */
class DemoITCase {

  @RegisterExtension static final EmbeddedKafka KAFKA = new EmbeddedKafka();

  @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

  @TempDir Path work;

  @Test
  void everyExpectedOutputOfTheDemoStoriesArrives() throws Exception {
    Path config = Path.of("..", "config", "demo.yaml");
    assertThat(config).as("run from the jobs module").exists();
    int rc = new CommandLine(new DemoMain()).execute(
        "--bootstrap", KAFKA.bootstrapServers(),
        "--config", config.toString(),
        "--report", work.resolve("report.html").toString(),
        "--timeout", "PT2M");
    assertThat(rc).as("the demo's exit code (its output above says what was missing)")
        .isZero();
    assertThat(Files.size(work.resolve("report.html"))).isPositive();
  }
}
