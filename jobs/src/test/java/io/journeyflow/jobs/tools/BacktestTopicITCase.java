package io.journeyflow.jobs.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyflow.connectors.InputFormat;
import io.journeyflow.connectors.testing.EmbeddedKafka;
import io.journeyflow.jobs.testing.MiniClusters;
import io.journeyflow.patterns.RuleLoader;
import io.journeyflow.patterns.RuleSet;
import io.journeyflow.schema.json.ContractJson;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Backtest over a time range of a real Kafka topic, writing nothing back to Kafka. */
class BacktestTopicITCase {

  @RegisterExtension static final EmbeddedKafka KAFKA = new EmbeddedKafka();
  @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

  @Test
  void readsOnlyTheRequestedTimeRange(@TempDir Path dir) throws Exception {
    Path history = dir.resolve("h.jsonl");
    HistoryGenerator.write(history, 100, 1, 3L);
    String topic = KAFKA.uniqueTopic("history");
    KAFKA.createTopic(topic, 2);
    for (String line : Files.readAllLines(history)) {
      long at = ContractJson.parseEvent(line).getOccurredAt().toEpochMilli();
      KAFKA.produce(topic, null, at, "k", line.getBytes(StandardCharsets.UTF_8));
    }
    RuleSet rules = RuleLoader.loadFromClasspath().only("cart-abandonment");
    Configuration conf = new Configuration();
    conf.set(CoreOptions.DEFAULT_PARALLELISM, 2);
    Backtest.Source source =
        new Backtest.Source(List.of(), KAFKA.bootstrapServers(), topic, InputFormat.JSON);
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true);
    Backtest.Report all = new Backtest(source, Instant.EPOCH,
        Instant.parse("2030-01-01T00:00:00Z"), 1, conf, quiet).run(rules, null);
    assertThat(all.rules().get(0).matches()).isEqualTo(20);
    assertThat(all.rules().get(0).actionsByOutcome())
        .containsEntry("SENT", 10L).containsEntry("BLOCKED:NO_CONSENT", 10L);
    assertThat(all.events()).isEqualTo(Files.readAllLines(history).size());

    // A range that ends before any event: nothing is read, nothing matches.
    Backtest.Report none = new Backtest(source, Instant.EPOCH,
        Instant.parse("2020-01-01T00:00:00Z"), 1, conf, quiet).run(rules, null);
    assertThat(none.rules().get(0).matches()).isZero();
  }
}
