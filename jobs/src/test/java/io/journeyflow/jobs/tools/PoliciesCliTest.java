package io.journeyflow.jobs.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyflow.connectors.testing.EmbeddedKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The policy command line: checks files, and publishes a whole file as one Kafka record. */
class PoliciesCliTest {

  @RegisterExtension static final EmbeddedKafka KAFKA = new EmbeddedKafka();

  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @Test
  void checkReportsEveryProblemOfABadFileAndAcceptsTheBundledOne() throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "frequencyCaps: [{max: -1, per: soon}]\n");
    assertThat(PoliciesCli.check(bad, print(out), print(err))).isNull();
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("'version' is required")
        .contains("frequencyCaps[0]: 'max' must be a whole number >= 0")
        .contains("frequencyCaps[0]: bad 'per' 'soon'");

    assertThat(PoliciesCli.check(Path.of("../config/policies.yaml"), print(out), print(err)))
        .isNotNull();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("valid, version");
  }

  @Test
  void publishWritesTheWholeCheckedFileAsOneRecord() throws Exception {
    String topic = KAFKA.uniqueTopic("policies");
    KAFKA.createTopic(topic, 1);
    Path file = dir.resolve("p.yaml");
    Files.writeString(file, Files.readString(Path.of("../config/policies.yaml"))
        .replaceFirst("(?m)^version: .*$", "version: \"published-1\""));

    int exit = new CommandLine(new PoliciesCli()).execute("publish", file.toString(),
        "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", topic);
    assertThat(exit).isZero();
    List<String> got = KAFKA.consumeReadCommitted(topic,
        v -> new String(v, StandardCharsets.UTF_8), 1, Duration.ofSeconds(30));
    assertThat(got).containsExactly(Files.readString(file));

    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "version: x\nquietHours: [{channels: [], from: '9', to: '9'}]\n");
    assertThat(new CommandLine(new PoliciesCli()).execute("publish", bad.toString(),
        "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", topic)).isEqualTo(1);
    assertThat(KAFKA.drainReadCommitted(topic, v -> v, Duration.ofMillis(500),
        Duration.ofSeconds(10))).hasSize(1);
  }

  private static PrintStream print(ByteArrayOutputStream bytes) {
    return new PrintStream(bytes, true, StandardCharsets.UTF_8);
  }
}
