package io.journeyflow.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.json.ContractJson;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.apache.flink.api.common.TaskInfoImpl;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON-lines file sink: one writer, truncation, and resuming at a checkpoint. */
class JsonLinesFileSinkTest {

  @TempDir Path dir;

  /** A writer context that only knows which subtask of how many it is. */
  static WriterInitContext subtask(int index, int parallelism) {
    TaskInfoImpl task = new TaskInfoImpl("sink", 128, index, parallelism, 0);
    return (WriterInitContext)
        Proxy.newProxyInstance(
            JsonLinesFileSinkTest.class.getClassLoader(),
            new Class<?>[] {WriterInitContext.class},
            (proxy, method, args) -> switch (method.getName()) {
              case "getTaskInfo" -> task;
              case "getRestoredCheckpointId" -> OptionalLong.empty();
              default -> throw new UnsupportedOperationException(method.getName());
            });
  }

  static String line(String id) {
    return ContractJson.toJson(EventDecoderTest.event(id)) + "\n";
  }

  static void write(StatefulSinkWriter<CustomerEvent, Long> w, String... ids) throws Exception {
    for (String id : ids) {
      w.write(EventDecoderTest.event(id), null);
    }
  }

  @Test
  void writesOneLinePerRecordAndTruncatesAnOldFile() throws Exception {
    Path file = dir.resolve("out/events.jsonl"); // parent directories are created
    Files.createDirectories(file.getParent());
    Files.writeString(file, "old content that is longer than anything\n".repeat(20));
    JsonLinesFileSink<CustomerEvent> sink = InstantiationUtil.clone(new JsonLinesFileSink<>(file));
    try (StatefulSinkWriter<CustomerEvent, Long> w = sink.createWriter(subtask(0, 1))) {
      write(w, "e-1", "e-2");
      w.flush(true);
      assertThat(Files.readString(file)).isEqualTo(line("e-1") + line("e-2"));
    }
    assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(line("e-1") + line("e-2"));
  }

  @Test
  void createsMissingDirectories() throws Exception {
    Path file = dir.resolve("a/b/c.jsonl");
    new JsonLinesFileSink<CustomerEvent>(file).createWriter(subtask(0, 1)).close();
    assertThat(file).exists().isEmptyFile();
  }

  @Test
  void aRestoredWriterCutsWhatCameAfterTheCheckpointAndAppends() throws Exception {
    Path file = dir.resolve("events.jsonl");
    JsonLinesFileSink<CustomerEvent> sink = new JsonLinesFileSink<>(file);
    List<Long> state;
    StatefulSinkWriter<CustomerEvent, Long> first = sink.createWriter(subtask(0, 1));
    write(first, "e-1");
    state = first.snapshotState(1);
    write(first, "e-2"); // written after the checkpoint, then the job fails
    first.flush(false);
    first.close();
    assertThat(state).containsExactly((long) line("e-1").length());

    List<Long> restored =
        List.of(sink.getWriterStateSerializer().deserialize(
            sink.getWriterStateSerializer().getVersion(),
            sink.getWriterStateSerializer().serialize(state.get(0))));
    try (StatefulSinkWriter<CustomerEvent, Long> second =
        sink.restoreWriter(subtask(0, 1), restored)) {
      write(second, "e-2", "e-3"); // replayed from the checkpoint
      second.flush(true);
    }
    assertThat(Files.readString(file)).isEqualTo(line("e-1") + line("e-2") + line("e-3"));
  }

  @Test
  void aRestoreFailsClearlyWhenTheFileLostData() throws Exception {
    Path file = dir.resolve("events.jsonl");
    Files.writeString(file, "short\n");
    JsonLinesFileSink<CustomerEvent> sink = new JsonLinesFileSink<>(file);
    assertThatThrownBy(() -> sink.restoreWriter(subtask(0, 1), List.of(1000L)))
        .hasMessageContaining("has 6 bytes but had 1000 at the checkpoint");
  }

  @Test
  void refusesToRunInParallel() {
    JsonLinesFileSink<CustomerEvent> sink = new JsonLinesFileSink<>(dir.resolve("x.jsonl"));
    assertThatThrownBy(() -> sink.createWriter(subtask(1, 2)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("must run with parallelism 1, but runs as subtask 1 of 2");
    assertThatThrownBy(() -> sink.createWriter(subtask(0, 2)))
        .hasMessageContaining("must run with parallelism 1");
    assertThatThrownBy(() -> sink.restoreWriter(subtask(1, 2), List.of()))
        .hasMessageContaining("must run with parallelism 1");
  }
}
