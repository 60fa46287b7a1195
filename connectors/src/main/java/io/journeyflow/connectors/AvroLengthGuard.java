package io.journeyflow.connectors;

import java.io.IOException;
import java.util.List;
import org.apache.avro.Schema;

/**
 * Walks an Avro binary body and checks that every declared length and block count fits in the
 * bytes that are left, before Avro decodes it. Avro allocates a string, bytes or collection of
 * the declared size first: a 15-byte corrupt record could declare a 2 GB string and kill the
 * task manager with an OutOfMemoryError, then again after every restart (a poison pill).
 */
final class AvroLengthGuard {

  private final byte[] bytes;
  private int pos;

  private AvroLengthGuard(byte[] bytes, int offset) {
    this.bytes = bytes;
    this.pos = offset;
  }

  /**
   * Checks the body of a datum of {@code schema} starting at {@code offset}.
   *
   * @throws IOException naming the first length that cannot be right
   */
  static void check(Schema schema, byte[] bytes, int offset) throws IOException {
    new AvroLengthGuard(bytes, offset).value(schema, schema.getName());
  }

  private void value(Schema s, String path) throws IOException {
    switch (s.getType()) {
      case NULL -> { }
      case BOOLEAN -> skip(1, path);
      case INT, LONG, ENUM -> readLong(path);
      case FLOAT -> skip(4, path);
      case DOUBLE -> skip(8, path);
      case STRING, BYTES -> skip(length(readLong(path), path), path);
      case FIXED -> skip(s.getFixedSize(), path);
      case RECORD -> {
        for (Schema.Field f : s.getFields()) {
          value(f.schema(), path + "." + f.name());
        }
      }
      case UNION -> {
        List<Schema> branches = s.getTypes();
        long index = readLong(path);
        if (index < 0 || index >= branches.size()) {
          throw new IOException(path + ": union branch " + index + " does not exist");
        }
        value(branches.get((int) index), path);
      }
      case ARRAY -> {
        long count;
        while ((count = blockCount(path)) > 0) {
          for (long i = 0; i < count; i++) {
            value(s.getElementType(), path + "[]");
          }
        }
      }
      case MAP -> {
        long count;
        while ((count = blockCount(path)) > 0) {
          for (long i = 0; i < count; i++) {
            skip(length(readLong(path), path), path);
            value(s.getValueType(), path + ".*");
          }
        }
      }
      default -> throw new IOException(path + ": unsupported type " + s.getType());
    }
  }

  /** Items in the next block (0 at the end); a negative count is followed by a byte size. */
  private long blockCount(String path) throws IOException {
    long count = readLong(path);
    if (count < 0) {
      count = -count;
      length(readLong(path), path);
    }
    // Every item of the contract's collections takes at least one byte.
    if (count > bytes.length - pos) {
      throw new IOException(
          path + ": block of " + count + " items in " + (bytes.length - pos) + " bytes left");
    }
    return count;
  }

  private long length(long declared, String path) throws IOException {
    if (declared < 0 || declared > bytes.length - pos) {
      throw new IOException(
          path + ": length " + declared + " does not fit the " + (bytes.length - pos)
              + " bytes left");
    }
    return declared;
  }

  private void skip(long n, String path) throws IOException {
    if (n > bytes.length - pos) {
      throw new IOException(path + ": truncated");
    }
    pos += (int) n;
  }

  /** A zig-zag varint, as Avro writes int and long. */
  private long readLong(String path) throws IOException {
    long raw = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= bytes.length) {
        throw new IOException(path + ": truncated");
      }
      int b = bytes[pos++] & 0xFF;
      raw |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return (raw >>> 1) ^ -(raw & 1);
      }
    }
    throw new IOException(path + ": malformed varint");
  }
}
