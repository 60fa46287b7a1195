package io.journeyflow.bench.jmh;

import io.journeyflow.bench.EventGenerator;
import io.journeyflow.bench.RuleTemplates;
import io.journeyflow.connectors.DeadLetters;
import io.journeyflow.connectors.EventDecoder;
import io.journeyflow.connectors.InputFormat;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.DeadLetter;
import io.journeyflow.schema.DeadLetterOrigin;
import io.journeyflow.schema.codec.SingleObjectWriter;
import io.journeyflow.schema.json.ContractJson;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.apache.flink.types.Either;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The source's per-record work: bytes to a validated event (Avro single-object encoding, and the
 * JSON form for comparison), and the sink's: an event to Avro bytes (Avro's writer, and the
 * compiled one the sinks use). Generator events, 1024 of
 * them in turn.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DecodeBenchmark {

  private static final int N = 1024;
  private final byte[][] avro = new byte[N][];
  private final byte[][] json = new byte[N][];
  private final CustomerEvent[] events = new CustomerEvent[N];
  private final EventDecoder avroDecoder = new EventDecoder(InputFormat.AVRO);
  private final EventDecoder jsonDecoder = new EventDecoder(InputFormat.JSON);
  private final SingleObjectWriter<CustomerEvent> compiled =
      new SingleObjectWriter<>(CustomerEvent.class);
  private final DeadLetterOrigin origin = DeadLetters.kafka("customer-events", 0, 0L);
  private int i;

  @Setup
  public void setup() throws Exception {
    EventGenerator generator = new EventGenerator(42, 10_000, 1.0, 0.02,
        RuleTemplates.generate(7, Files.createTempDirectory("jmh-rules")));
    for (int k = 0; k < N; k++) {
      events[k] = generator.next(1_700_000_000_000L + 50L * k);
      ByteBuffer b = events[k].toByteBuffer();
      avro[k] = new byte[b.remaining()];
      b.get(avro[k]);
      json[k] = ContractJson.toJson(events[k]).getBytes(StandardCharsets.UTF_8);
    }
  }

  @Benchmark
  public Either<DeadLetter, CustomerEvent> decodeAvro() {
    return avroDecoder.decode(avro[i++ & (N - 1)], origin);
  }

  @Benchmark
  public Either<DeadLetter, CustomerEvent> decodeJson() {
    return jsonDecoder.decode(json[i++ & (N - 1)], origin);
  }

  @Benchmark
  public ByteBuffer encodeAvro() throws Exception {
    return events[i++ & (N - 1)].toByteBuffer();
  }

  /** The same bytes as {@link #encodeAvro}, as the Kafka sinks write them since 2026-12-07. */
  @Benchmark
  public byte[] encodeCompiled() {
    return compiled.encode(events[i++ & (N - 1)]);
  }
}
