package io.journeyflow.schema.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.SingleObjectEncodingTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.UnresolvedUnionException;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.RandomData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The compiled writer writes the bytes Avro's writer writes, for every contract record. */
class CompiledWriterTest {

  /** Every record class the .avsc files define (top level: nested ones are written inside). */
  static Stream<Class<? extends SpecificRecord>> contractRecords() throws IOException {
    ObjectMapper json = new ObjectMapper();
    try (Stream<Path> files = Files.walk(Path.of("src/main/avro"))) {
      List<Path> schemas = files.filter(f -> f.toString().endsWith(".avsc")).sorted().toList();
      assertThat(schemas).hasSizeGreaterThan(15);
      return schemas.stream().<Class<? extends SpecificRecord>>map(f -> {
        try {
          JsonNode s = json.readTree(f.toFile());
          String name = s.get("namespace").asText() + "." + s.get("name").asText();
          return Class.forName(name).asSubclass(SpecificRecord.class);
        } catch (IOException | ClassNotFoundException e) {
          throw new IllegalStateException(f.toString(), e);
        }
      }).toList().stream();
    }
  }

  @ParameterizedTest
  @MethodSource("contractRecords")
  <T extends SpecificRecord> void writesAvrosBytesForRandomRecords(Class<T> type)
      throws IOException {
    Schema schema = SpecificData.getForClass(type).getSchema(type);
    CompiledWriter<T> compiled = CompiledWriter.of(type);
    SpecificDatumWriter<T> avro = new SpecificDatumWriter<>(type);
    SpecificDatumReader<T> reader = new SpecificDatumReader<>(type);
    SingleObjectWriter<T> singleObject = new SingleObjectWriter<>(type);
    BinaryMessageEncoder<T> avroSingleObject =
        new BinaryMessageEncoder<>(SpecificData.getForClass(type), schema);
    int checked = 0;
    for (Object random : new RandomData(schema, 200, 20261207L)) {
      // Random values are raw (timestamps as longs): read them back as the generated class sees
      // them (Instants), then write that record both ways.
      byte[] raw = bytes(e -> new GenericDatumWriter<>(schema, GenericData.get())
          .write(random, e));
      T record = reader.read(null, DecoderFactory.get().binaryDecoder(raw, null));
      byte[] expected = bytes(e -> avro.write(record, e));
      // (Not compared with raw: maps read back iterate in another order.)
      assertThat(bytes(e -> compiled.write(record, e))).isEqualTo(expected);
      assertThat(ByteBuffer.wrap(singleObject.encode(record)))
          .isEqualTo(avroSingleObject.encode(record));
      checked++;
    }
    assertThat(checked).isEqualTo(200);
  }

  @Test
  void writesTheAttributeUnionsBranchesAsAvroDoes() throws IOException {
    Map<String, Object> attributes = new HashMap<>();
    attributes.put("none", null);
    attributes.put("flag", true);
    attributes.put("count", 3L);
    attributes.put("amount", 12.5);
    attributes.put("plan", "gold");
    attributes.put("utf8", new org.apache.avro.util.Utf8("é"));
    CustomerEvent event = event(attributes);
    byte[] expected = bytes(e -> new SpecificDatumWriter<>(CustomerEvent.class).write(event, e));
    assertThat(bytes(e -> CompiledWriter.of(CustomerEvent.class).write(event, e)))
        .isEqualTo(expected);
  }

  @Test
  void failsLikeAvroOnValuesTheSchemaCannotHold() {
    CompiledWriter<CustomerEvent> writer = CompiledWriter.of(CustomerEvent.class);
    CustomerEvent wrongType = event(Map.of("count", 3)); // an int: the union has only long
    assertThatThrownBy(() -> bytes(e -> writer.write(wrongType, e)))
        .isInstanceOf(UnresolvedUnionException.class);
    CustomerEvent missing = event(Map.of());
    missing.setSource(null);
    assertThatThrownBy(() -> bytes(e -> writer.write(missing, e)))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("source");
  }

  @Test
  void theArrayEncoderWritesStringsAsAvrosEncoderDoes() throws IOException {
    ArrayEncoder array = new ArrayEncoder();
    for (String s : List.of("", "a", "plain ascii", "é", "naïve", "日本", "\uD83D\uDE00",
        "\uD800 unpaired", "x".repeat(70_000), "\u0000\u007f\u0080")) {
      array.reset();
      array.writeString(s);
      array.writeString(new org.apache.avro.util.Utf8(s));
      array.writeLong(-1L);
      byte[] expected = bytes(e -> {
        e.writeString(s);
        e.writeString(new org.apache.avro.util.Utf8(s));
        e.writeLong(-1L);
      });
      assertThat(array.toArray()).as(s.length() > 20 ? "long" : s).isEqualTo(expected);
    }
  }

  private static CustomerEvent event(Map<String, Object> attributes) {
    CustomerEvent event = SingleObjectEncodingTest.event();
    event.setAttributes(attributes);
    return event;
  }

  private interface Write {
    void to(BinaryEncoder encoder) throws IOException;
  }

  private static byte[] bytes(Write write) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    write.to(encoder);
    encoder.flush();
    return out.toByteArray();
  }
}
