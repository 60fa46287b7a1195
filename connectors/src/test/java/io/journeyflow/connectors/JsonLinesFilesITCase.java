package io.journeyflow.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.DeadLetter;
import io.journeyflow.schema.json.ContractJson;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Either;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Replay I/O in a real job: files in with line numbers, JSON-lines files out. */
class JsonLinesFilesITCase {

  @RegisterExtension static final MiniClusterExtension FLINK = FlinkTestCluster.create();

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  static String good(String id) {
    return ContractJson.toJson(EventDecoderTest.event(id));
  }

  /** Lines joined with the given terminator, as raw bytes. */
  static byte[] lines(String terminator, Object... lines) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object line : lines) {
      out.write(line instanceof byte[] b ? b : line.toString().getBytes(StandardCharsets.UTF_8));
      out.write(terminator.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  static final byte[] NOT_UTF8 = {'{', '"', (byte) 0xFF, '"', '}'};

  /** Two files with everything a hand-edited file may hold; returns their paths. */
  Path[] inputs() throws Exception {
    Path a = dir.resolve("a.jsonl");
    Files.write(a, lines("\n",
        "\uFEFF" + good("a-1"),                            // 1: byte order mark
        "",                                                // 2: blank
        "this line is not JSON",                           // 3
        "   \t",                                           // 4: blank
        good("a-5").replace("billing", " "),               // 5: contract
        NOT_UTF8,                                          // 6
        good("a-7")));                                     // 7
    Path b = dir.resolve("b.jsonl");
    byte[] crlf = lines("\r\n", good("b-1"), good("b-2").replace("\"source\"", "\"Source\""));
    byte[] lastWithoutNewline = good("b-3").getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write(crlf);
    bytes.write(lastWithoutNewline);
    Files.write(b, bytes.toByteArray());
    return new Path[] {a, b};
  }

  @Test
  void everyDeadLetterNamesItsFileAndLine() throws Exception {
    Path[] files = inputs();
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    List<Either<DeadLetter, CustomerEvent>> all = new ArrayList<>();
    try (CloseableIterator<Either<DeadLetter, CustomerEvent>> it =
        env.fromSource(JsonLinesFileSource.build(files), WatermarkStrategy.noWatermarks(), "in")
            .executeAndCollect()) {
      it.forEachRemaining(all::add);
    }
    assertThat(all).filteredOn(Either::isRight).extracting(e -> e.right().getEventId())
        .containsExactlyInAnyOrder("a-1", "a-7", "b-1", "b-3");
    List<DeadLetter> dead = all.stream().filter(Either::isLeft).map(Either::left).toList();
    assertThat(dead)
        .extracting(d -> Path.of(d.getOrigin().getFile()).getFileName() + ":"
            + d.getOrigin().getLine() + " " + d.getStage())
        .containsExactlyInAnyOrder(
            "a.jsonl:3 decode", "a.jsonl:5 validate", "a.jsonl:6 decode", "b.jsonl:2 validate");
    assertThat(dead).allSatisfy(d -> {
      assertThat(d.getOrigin().getKind()).isEqualTo("file");
      assertThat(d.getOrigin().getFile()).as("named as given")
          .isIn(files[0].toString(), files[1].toString());
      assertThat(d.getOrigin().getTopic()).isNull();
    });
    DeadLetter notUtf8 = dead.stream().filter(d -> d.getOrigin().getLine() == 6).findFirst()
        .orElseThrow();
    assertThat(notUtf8.getPayload()).as("the exact bytes").isEqualTo(ByteBuffer.wrap(NOT_UTF8));
    assertThat(notUtf8.getPayloadText()).isNull();
    DeadLetter crlfLine = dead.stream().filter(d -> d.getOrigin().getFile().endsWith("b.jsonl"))
        .findFirst().orElseThrow();
    assertThat(crlfLine.getPayloadText()).as("without the line terminator")
        .isEqualTo(good("b-2").replace("\"source\"", "\"Source\""));
    assertThat(crlfLine.getError()).contains("unknown field 'Source' (did you mean 'source'?)");
  }

  @Test
  void aReplayJobWritesEventsAndDeadLettersToFiles() throws Exception {
    Path[] files = inputs();
    Path out = dir.resolve("out");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    env.setRuntimeMode(RuntimeExecutionMode.BATCH);
    DataStream<Either<DeadLetter, CustomerEvent>> in =
        env.fromSource(JsonLinesFileSource.build(files), WatermarkStrategy.noWatermarks(), "in");
    in.flatMap(new Split.Events()).returns(ConnectorTypes.customerEvent())
        .sinkTo(new JsonLinesFileSink<>(out.resolve("events.jsonl"))).setParallelism(1);
    in.flatMap(new Split.DeadLetters()).returns(ConnectorTypes.deadLetter())
        .sinkTo(new JsonLinesFileSink<>(out.resolve("dead-letters.jsonl"))).setParallelism(1);
    env.execute("replay");

    assertThat(Files.readAllLines(out.resolve("events.jsonl")))
        .containsExactlyInAnyOrder(good("a-1"), good("a-7"), good("b-1"), good("b-3"));
    List<JsonNode> dead = new ArrayList<>();
    for (String line : Files.readAllLines(out.resolve("dead-letters.jsonl"))) {
      dead.add(JSON.readTree(line));
    }
    assertThat(dead).extracting(d -> d.get("origin").get("line").asLong())
        .containsExactlyInAnyOrder(3L, 5L, 6L, 2L);
    assertThat(dead).allSatisfy(d -> assertThat(d.get("error").asText()).isNotBlank());
    // The output is the replayable input of a next run: events parse back unchanged.
    for (String line : Files.readAllLines(out.resolve("events.jsonl"))) {
      assertThat(ContractJson.toJson(ContractJson.parseEvent(line))).isEqualTo(line);
    }
  }

  @Test
  void aParallelFileSinkFailsFastAndSaysWhy() throws Exception {
    Configuration conf = new Configuration();
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(2);
    env.fromSource(JsonLinesFileSource.build(inputs()), WatermarkStrategy.noWatermarks(), "in")
        .flatMap(new Split.Events()).returns(ConnectorTypes.customerEvent())
        .sinkTo(new JsonLinesFileSink<>(dir.resolve("x.jsonl")));
    assertThatThrownBy(() -> env.execute("parallel sink"))
        .satisfies(e -> assertThat(
            ExceptionUtils.findThrowableWithMessage(e, "must run with parallelism 1"))
            .isPresent());
  }

  @Test
  void filesAreNamedAsGivenElseByTheirLocalPath() {
    Path given = Path.of("in", "events.jsonl");
    String absolute = given.toAbsolutePath().normalize().toString();
    Map<String, String> names = Map.of(absolute, given.toString());
    assertThat(JsonLinesFileSource.name(
        new org.apache.flink.core.fs.Path(given.toAbsolutePath().toUri()), names))
        .isEqualTo(given.toString());
    Path other = Path.of("in", "more.jsonl").toAbsolutePath();
    assertThat(JsonLinesFileSource.name(new org.apache.flink.core.fs.Path(other.toUri()), names))
        .isEqualTo(other.toString());
    assertThatThrownBy(() -> JsonLinesFileSource.build())
        .hasMessageContaining("at least one file");
  }
}
