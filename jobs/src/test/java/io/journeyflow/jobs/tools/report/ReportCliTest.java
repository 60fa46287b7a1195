package io.journeyflow.jobs.tools.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyflow.connectors.testing.EmbeddedKafka;
import io.journeyflow.schema.DeadLetter;
import io.journeyflow.schema.DeadLetterOrigin;
import io.journeyflow.schema.HoldoutComparison;
import io.journeyflow.schema.JourneyMetrics;
import io.journeyflow.schema.StepCount;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line: a replay directory, files, bad input, and whole Kafka topics. */
class ReportCliTest {

  @RegisterExtension static final EmbeddedKafka KAFKA = new EmbeddedKafka();

  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) throws Exception {
    ReportCli cli = new ReportCli();
    new CommandLine(cli).parseArgs(args);
    return cli.run(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void aReplayDirectoryGivesMetricsAndDeadLettersAndThePathIsPrinted() throws Exception {
    Path replay = Files.createDirectories(dir.resolve("replay"));
    Files.copy(ReportHtmlTest.SAMPLE, replay.resolve(ReportCli.METRICS_FILE));
    Files.writeString(replay.resolve(ReportCli.DEAD_LETTERS_FILE),
        Files.readString(ReportHtmlTest.SAMPLE_DEAD) + "not json\n");
    Path target = dir.resolve("out/report.html");

    assertThat(run("--from", replay.toString(), "--out", target.toString())).isZero();

    assertThat(out.toString(StandardCharsets.UTF_8).trim())
        .isEqualTo(target.toAbsolutePath().toString());
    String html = Files.readString(target);
    assertThat(ReportHtmlTest.count(html, "<svg")).isEqualTo(6);
    assertThat(html).contains("dead-letters.jsonl:19: not JSON");
    assertThat(ReportInput.readJsonLines(replay.resolve(ReportCli.DEAD_LETTERS_FILE)).rows())
        .allSatisfy(row -> assertThat(row.has("payload") || row.has("payloadText")).isFalse())
        .anySatisfy(row -> assertThat(row.get("error").asText()).isNotBlank());
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("20 JourneyMetrics row(s), 4 rule(s), 5 window(s), 18 dead letter(s)");
  }

  @Test
  void anEmptyDirectoryGivesAPageThatSaysSo() throws Exception {
    Path target = dir.resolve("empty.html");
    assertThat(run("--from", dir.toString(), "--out", target.toString())).isZero();
    assertThat(Files.readString(target)).contains("No data: no JourneyMetrics rows")
        .contains("no journey-metrics.jsonl in");
  }

  @Test
  void aMissingFileIsAnErrorNotATopic() throws Exception {
    assertThat(run("--from", dir.resolve("nope.jsonl").toString(), "--out",
        dir.resolve("x.html").toString())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("no such file");
    assertThat(ReportCli.isTopic("journey-metrics")).isTrue();
    assertThat(ReportCli.isTopic("metrics.jsonl")).isFalse();
    assertThat(ReportCli.isTopic("out/metrics")).isFalse();
  }

  @Test
  void topicsAreReadWholeAndOnlyCommittedRecordsCount() throws Exception {
    String metrics = KAFKA.uniqueTopic("journey-metrics");
    String dead = KAFKA.uniqueTopic("dead-letters");
    KAFKA.createTopic(metrics, 2);
    KAFKA.createTopic(dead, 1);
    Instant day = Instant.parse("2026-11-02T00:00:00Z");
    for (int i = 0; i < 3; i++) {
      KAFKA.produce(metrics, i % 2, "rule-" + i, bytes(metricsRecord("rule-" + i,
          day.plus(Duration.ofDays(i)))));
    }
    KAFKA.produceAborted(metrics, 0, "aborted",
        bytes(metricsRecord("aborted-rule", day)));
    KAFKA.produce(metrics, 1, "junk", "not avro".getBytes(StandardCharsets.UTF_8));
    KAFKA.produce(dead, "d", bytes(DeadLetter.newBuilder()
        .setOrigin(DeadLetterOrigin.newBuilder().setKind("kafka").setTopic("in")
            .setPartition(0).setOffset(42L).build())
        .setPayload(ByteBuffer.wrap(new byte[] {1, 2})).setStage("decode")
        .setError("bad bytes at offset 42").setRejectedAt(day).build().toByteBuffer()));

    Path target = dir.resolve("kafka.html");
    assertThat(run("--from", metrics, "--dead-letters", dead, "--bootstrap-servers",
        KAFKA.bootstrapServers(), "--timeout", "PT30S", "--out", target.toString())).isZero();

    String html = Files.readString(target);
    assertThat(html).contains("rule-0").contains("rule-1").contains("rule-2")
        .doesNotContain("aborted-rule")
        .contains("bad bytes at offset #")
        .contains("cannot decode");
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("3 JourneyMetrics row(s), 3 rule(s), 3 window(s), 1 dead letter(s)");
  }

  @Test
  void anUnknownTopicIsAClearError() throws Exception {
    assertThat(run("--from", "no-such-topic", "--bootstrap-servers", KAFKA.bootstrapServers(),
        "--timeout", "PT5S", "--out", dir.resolve("x.html").toString())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("no-such-topic");
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] b = new byte[buffer.remaining()];
    buffer.get(b);
    return b;
  }

  private static ByteBuffer metricsRecord(String rule, Instant start) throws Exception {
    return JourneyMetrics.newBuilder().setRuleId(rule).setRuleVersion(1).setJourney("j")
        .setWindowStart(start).setWindowEnd(start.plus(Duration.ofDays(1)))
        .setEntered(10).setBreakpoints(4).setDecisions(Map.of("SENT", 3L, "BLOCKED:CAPPED", 1L))
        .setResolved(2).setAbandoned(1).setResolutionCount(2).setResolutionP50Millis(60_000L)
        .setResolutionP90Millis(120_000L).setResolutionP99Millis(180_000L)
        .setActionsFollowedUp(3).setRepeatContacts(1).setRepeatContactRate(1 / 3.0)
        .setStepsReached(List.of(new StepCount("first", 10L, null),
            new StepCount("second", 4L, 0.4)))
        .setHoldout(new HoldoutComparison(10.0, 9L, 5L, 2L, 1L, null, null, null, null))
        .build().toByteBuffer();
  }
}
