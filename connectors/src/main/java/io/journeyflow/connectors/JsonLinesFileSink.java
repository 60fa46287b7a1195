package io.journeyflow.connectors;

import io.journeyflow.schema.json.ContractJson;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.avro.generic.IndexedRecord;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Writes records as JSON lines to one local file, for bounded runs (replay). Not transactional
 * and single-writer: run it with parallelism 1.
 */
public final class JsonLinesFileSink<T extends IndexedRecord> implements Sink<T> {

  private final String file;

  public JsonLinesFileSink(Path file) {
    this.file = file.toAbsolutePath().toString();
  }

  @Override
  public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
    int subtask = context.getTaskInfo().getIndexOfThisSubtask();
    if (subtask > 0) {
      throw new IllegalStateException(
          "JsonLinesFileSink writes one file and must run with parallelism 1, got subtask "
              + subtask);
    }
    return new Writer<>(Path.of(file));
  }

  /** Appends one line per record to a file truncated when the writer opens. */
  static final class Writer<T extends IndexedRecord> implements SinkWriter<T> {
    private final BufferedWriter out;

    Writer(Path file) throws IOException {
      Path parent = file.getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      out =
          Files.newBufferedWriter(
              file,
              StandardCharsets.UTF_8,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE);
    }

    @Override
    public void write(T element, Context context) throws IOException {
      out.write(ContractJson.toJson(element));
      out.newLine();
    }

    @Override
    public void flush(boolean endOfInput) throws IOException {
      out.flush();
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }
}
