package io.journeyflow.schema.codec;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro single-object encoding (marker, schema fingerprint, binary body: what the generated
 * classes' {@code toByteBuffer} writes) with a {@link CompiledWriter}; one instance per thread.
 */
public final class SingleObjectWriter<T extends SpecificRecord> {

  private final CompiledWriter<T> body;
  private final byte[] header = new byte[10];
  private final ArrayEncoder encoder = new ArrayEncoder();

  public SingleObjectWriter(Class<T> type) {
    body = CompiledWriter.of(type);
    long fingerprint =
        SchemaNormalization.parsingFingerprint64(SpecificData.getForClass(type).getSchema(type));
    header[0] = (byte) 0xC3;
    header[1] = (byte) 0x01;
    for (int i = 0; i < 8; i++) {
      header[2 + i] = (byte) (fingerprint >>> (8 * i)); // little-endian, as Avro writes it
    }
  }

  /** The record's single-object encoding, in a new array. */
  public byte[] encode(T record) {
    encoder.reset();
    encoder.writeRaw(header);
    try {
      body.write(record, encoder);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode " + record.getSchema().getName(), e);
    }
    return encoder.toArray();
  }
}
