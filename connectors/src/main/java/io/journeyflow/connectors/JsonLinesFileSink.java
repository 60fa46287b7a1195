package io.journeyflow.connectors;

import io.journeyflow.schema.json.ContractJson;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.List;
import org.apache.avro.generic.IndexedRecord;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Writes records as JSON lines ({@link ContractJson#toJson}) to one local file, for bounded
 * runs such as replays. Single writer: run it with parallelism 1 (it fails fast otherwise).
 *
 * <p>A new run truncates the file. A run that restores from a checkpoint truncates it to its
 * length at that checkpoint and appends, so a failure and restart neither loses nor repeats
 * lines.
 */
public final class JsonLinesFileSink<T extends IndexedRecord>
    implements Sink<T>, SupportsWriterState<T, Long> {

  private static final long serialVersionUID = 1L;

  private final String file;

  public JsonLinesFileSink(Path file) {
    this.file = file.toAbsolutePath().normalize().toString();
  }

  public Path file() {
    return Path.of(file);
  }

  @Override
  public StatefulSinkWriter<T, Long> createWriter(WriterInitContext context) throws IOException {
    checkSingleWriter(context.getTaskInfo());
    return new LineWriter<>(Path.of(file), 0L);
  }

  @Override
  public StatefulSinkWriter<T, Long> restoreWriter(
      WriterInitContext context, Collection<Long> recoveredState) throws IOException {
    checkSingleWriter(context.getTaskInfo());
    long length = recoveredState.stream().mapToLong(Long::longValue).max().orElse(0L);
    return new LineWriter<>(Path.of(file), length);
  }

  @Override
  public SimpleVersionedSerializer<Long> getWriterStateSerializer() {
    return new LengthSerializer();
  }

  private void checkSingleWriter(TaskInfo task) {
    if (task.getIndexOfThisSubtask() > 0 || task.getNumberOfParallelSubtasks() > 1) {
      throw new IllegalStateException(
          "JsonLinesFileSink writes the single file " + file + " and must run with parallelism"
              + " 1, but runs as subtask " + task.getIndexOfThisSubtask() + " of "
              + task.getNumberOfParallelSubtasks() + ": set .setParallelism(1) on the sink");
    }
  }

  /** One line per record, '\n'-terminated; its state is the file length at a checkpoint. */
  static final class LineWriter<T extends IndexedRecord> implements StatefulSinkWriter<T, Long> {

    private final Path file;
    private final FileChannel channel;
    private final Writer out;

    /** Opens {@code file} keeping its first {@code keep} bytes (0: a fresh file). */
    LineWriter(Path file, long keep) throws IOException {
      this.file = file;
      Path parent = file.getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      try {
        if (channel.size() < keep) {
          throw new IOException(
              file + " has " + channel.size() + " bytes but had " + keep + " at the checkpoint"
                  + " being restored: it was changed by someone else; cannot resume writing");
        }
        channel.truncate(keep);
        channel.position(keep);
      } catch (IOException e) {
        channel.close();
        throw e;
      }
      out = new BufferedWriter(
          new OutputStreamWriter(Channels.newOutputStream(channel), StandardCharsets.UTF_8),
          64 * 1024);
    }

    @Override
    public void write(T element, Context context) throws IOException {
      out.write(ContractJson.toJson(element));
      // Not the platform line separator: JSON lines are '\n'-terminated everywhere.
      out.write('\n');
    }

    @Override
    public void flush(boolean endOfInput) throws IOException {
      out.flush();
      if (endOfInput) {
        channel.force(false);
      }
    }

    @Override
    public List<Long> snapshotState(long checkpointId) throws IOException {
      out.flush();
      return List.of(channel.position());
    }

    @Override
    public void close() throws IOException {
      out.close(); // closes the channel too
    }

    @Override
    public String toString() {
      return "JsonLinesFileSink.LineWriter(" + file + ")";
    }
  }

  /** The file length, as 8 bytes. */
  static final class LengthSerializer implements SimpleVersionedSerializer<Long> {

    @Override
    public int getVersion() {
      return 1;
    }

    @Override
    public byte[] serialize(Long length) {
      return ByteBuffer.allocate(Long.BYTES).putLong(length).array();
    }

    @Override
    public Long deserialize(int version, byte[] serialized) throws IOException {
      if (version != 1 || serialized.length != Long.BYTES) {
        throw new IOException(
            "unknown JsonLinesFileSink state: version " + version + ", " + serialized.length
                + " bytes");
      }
      return ByteBuffer.wrap(serialized).getLong();
    }
  }
}
