package io.journeyflow.connectors;

import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.DeadLetter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.types.Either;

/**
 * A bounded source of one JSON-lines event file. The file is read whole by one reader, so every
 * dead letter can name its file and 1-based line.
 */
public final class JsonLinesFileSource {

  private JsonLinesFileSource() {}

  public static FileSource<Either<DeadLetter, CustomerEvent>> build(Path file) {
    return FileSource.forRecordStreamFormat(
            new Format(file.toString()),
            new org.apache.flink.core.fs.Path(file.toAbsolutePath().toUri()))
        .build();
  }

  /** Lines of one named file, decoded as JSON. */
  static final class Format extends SimpleStreamFormat<Either<DeadLetter, CustomerEvent>> {

    private final String fileName;

    Format(String fileName) {
      this.fileName = fileName;
    }

    @Override
    public StreamFormat.Reader<Either<DeadLetter, CustomerEvent>> createReader(
        Configuration config, FSDataInputStream stream) {
      BufferedReader lines =
          new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
      EventDecoder decoder = new EventDecoder(InputFormat.JSON);
      return new StreamFormat.Reader<>() {
        private long lineNumber;

        @Override
        public Either<DeadLetter, CustomerEvent> read() throws IOException {
          String line;
          do {
            line = lines.readLine();
            lineNumber++;
            if (line == null) {
              return null;
            }
          } while (line.isBlank());
          return decoder.decode(
              line.getBytes(StandardCharsets.UTF_8), DeadLetters.file(fileName, lineNumber));
        }

        @Override
        public void close() throws IOException {
          lines.close();
        }
      };
    }

    @Override
    public TypeInformation<Either<DeadLetter, CustomerEvent>> getProducedType() {
      return ConnectorTypes.decodedType();
    }
  }
}
