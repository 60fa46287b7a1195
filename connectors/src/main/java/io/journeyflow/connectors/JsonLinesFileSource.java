package io.journeyflow.connectors;

import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.DeadLetter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.impl.StreamFormatAdapter;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.types.Either;

/**
 * A bounded source of JSON-lines event files (for replays and backtests). Each file is read
 * whole by one reader that counts lines, so every dead letter names its file and 1-based line.
 * Blank lines are skipped; files ending in .gz and similar are decompressed.
 */
public final class JsonLinesFileSource {

  private JsonLinesFileSource() {}

  /** A source of the given files (or directories: their files, recursively). */
  public static FileSource<Either<DeadLetter, CustomerEvent>> build(Path... files) {
    if (files == null || files.length == 0) {
      throw new IllegalArgumentException("JsonLinesFileSource needs at least one file");
    }
    // Dead letters name a file as the caller did, not as the absolute URI Flink reads.
    HashMap<String, String> names = new HashMap<>();
    org.apache.flink.core.fs.Path[] paths = new org.apache.flink.core.fs.Path[files.length];
    for (int i = 0; i < files.length; i++) {
      Path absolute = files[i].toAbsolutePath().normalize();
      names.put(absolute.toString(), files[i].toString());
      paths[i] = new org.apache.flink.core.fs.Path(absolute.toUri());
    }
    return FileSource.forBulkFileFormat(new PerFileFormat(names), paths).build();
  }

  /**
   * Reads each split (a whole file) with a line format that knows the file's name; a plain
   * stream format is never told which file it reads.
   */
  static final class PerFileFormat
      implements BulkFormat<Either<DeadLetter, CustomerEvent>, FileSourceSplit> {

    private static final long serialVersionUID = 1L;

    private final HashMap<String, String> names;

    PerFileFormat(HashMap<String, String> names) {
      this.names = names;
    }

    @Override
    public Reader<Either<DeadLetter, CustomerEvent>> createReader(
        Configuration config, FileSourceSplit split) throws IOException {
      return adapter(split).createReader(config, split);
    }

    @Override
    public Reader<Either<DeadLetter, CustomerEvent>> restoreReader(
        Configuration config, FileSourceSplit split) throws IOException {
      // Restores by reading the file again from the start and skipping the records already
      // emitted, so line numbers stay right.
      return adapter(split).restoreReader(config, split);
    }

    private StreamFormatAdapter<Either<DeadLetter, CustomerEvent>> adapter(FileSourceSplit split) {
      return new StreamFormatAdapter<>(new Lines(name(split.path(), names)));
    }

    @Override
    public boolean isSplittable() {
      return false;
    }

    @Override
    public TypeInformation<Either<DeadLetter, CustomerEvent>> getProducedType() {
      return ConnectorTypes.decodedType();
    }
  }

  static String name(org.apache.flink.core.fs.Path path, Map<String, String> names) {
    String scheme = path.toUri().getScheme();
    if (scheme != null && !scheme.equals("file")) {
      return path.toString();
    }
    String local = Path.of(path.toUri().getPath()).toAbsolutePath().normalize().toString();
    return names.getOrDefault(local, local);
  }

  /** The lines of one named file, decoded as JSON events. */
  static final class Lines extends SimpleStreamFormat<Either<DeadLetter, CustomerEvent>> {

    private static final long serialVersionUID = 1L;

    private final String fileName;

    Lines(String fileName) {
      this.fileName = fileName;
    }

    @Override
    public StreamFormat.Reader<Either<DeadLetter, CustomerEvent>> createReader(
        Configuration config, FSDataInputStream stream) {
      return new LineReader(stream, fileName, new EventDecoder(InputFormat.JSON));
    }

    @Override
    public TypeInformation<Either<DeadLetter, CustomerEvent>> getProducedType() {
      return ConnectorTypes.decodedType();
    }
  }

  /**
   * Splits the stream into lines of raw bytes (so a dead letter keeps the exact bytes, even
   * when they are not UTF-8) and decodes each non-blank one.
   */
  static final class LineReader implements StreamFormat.Reader<Either<DeadLetter, CustomerEvent>> {

    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final InputStream in;
    private final String fileName;
    private final EventDecoder decoder;
    private final byte[] buffer = new byte[64 * 1024];
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(512);
    private int position;
    private int limit;
    private long lineNumber;
    private boolean eof;

    LineReader(InputStream in, String fileName, EventDecoder decoder) {
      this.in = in;
      this.fileName = fileName;
      this.decoder = decoder;
    }

    @Override
    public Either<DeadLetter, CustomerEvent> read() throws IOException {
      byte[] bytes;
      do {
        bytes = nextLine();
        if (bytes == null) {
          return null;
        }
      } while (isBlank(bytes));
      return decoder.decode(bytes, DeadLetters.file(fileName, lineNumber));
    }

    /** The next line without its terminator (\n or \r\n), or null at the end. */
    private byte[] nextLine() throws IOException {
      line.reset();
      boolean terminated = false;
      while (!terminated) {
        if (position == limit && !fill()) {
          if (line.size() == 0) {
            return null;
          }
          break;
        }
        int from = position;
        while (position < limit && buffer[position] != '\n') {
          position++;
        }
        line.write(buffer, from, position - from);
        if (position < limit) {
          position++; // the \n
          terminated = true;
        }
      }
      lineNumber++;
      byte[] bytes = line.toByteArray();
      int end = bytes.length;
      if (end > 0 && bytes[end - 1] == '\r') {
        end--;
      }
      int start = lineNumber == 1 && startsWithBom(bytes) ? BOM.length : 0;
      return start == 0 && end == bytes.length ? bytes : Arrays.copyOfRange(bytes, start, end);
    }

    private boolean fill() throws IOException {
      if (eof) {
        return false;
      }
      int n = in.read(buffer, 0, buffer.length);
      if (n <= 0) {
        // read() blocks until data or the end: 0 is not returned for a non-empty buffer.
        eof = true;
        return false;
      }
      position = 0;
      limit = n;
      return true;
    }

    private static boolean startsWithBom(byte[] bytes) {
      return bytes.length >= 3 && bytes[0] == BOM[0] && bytes[1] == BOM[1] && bytes[2] == BOM[2];
    }

    private static boolean isBlank(byte[] bytes) {
      for (byte b : bytes) {
        if (b != ' ' && b != '\t' && b != '\r') {
          return false;
        }
      }
      return true;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
