package io.journeyflow.schema.codec;

import java.util.Arrays;
import org.apache.avro.io.BinaryData;
import org.apache.avro.io.BinaryEncoder;

/**
 * Avro's binary encoding into a growing array: no stream, no synchronized writes, and strings
 * encoded to UTF-8 in place instead of through a temporary array each.
 */
public final class ArrayEncoder extends BinaryEncoder {

  private byte[] buf = new byte[512];
  private int pos;

  /** Forgets what was written; the array is kept for the next record. */
  public void reset() {
    pos = 0;
  }

  /** What was written since the last reset, in a new array. */
  public byte[] toArray() {
    return Arrays.copyOf(buf, pos);
  }

  void writeRaw(byte[] bytes) {
    writeFixed(bytes, 0, bytes.length);
  }

  private void ensure(int more) {
    if (pos + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
    }
  }

  @Override
  public void flush() {}

  @Override
  public void writeBoolean(boolean b) {
    ensure(1);
    buf[pos++] = (byte) (b ? 1 : 0);
  }

  @Override
  public void writeInt(int n) {
    ensure(5);
    pos += BinaryData.encodeInt(n, buf, pos);
  }

  @Override
  public void writeLong(long n) {
    ensure(10);
    pos += BinaryData.encodeLong(n, buf, pos);
  }

  @Override
  public void writeFloat(float f) {
    ensure(4);
    pos += BinaryData.encodeFloat(f, buf, pos);
  }

  @Override
  public void writeDouble(double d) {
    ensure(8);
    pos += BinaryData.encodeDouble(d, buf, pos);
  }

  @Override
  public void writeFixed(byte[] bytes, int start, int len) {
    ensure(len);
    System.arraycopy(bytes, start, buf, pos, len);
    pos += len;
  }

  @Override
  protected void writeZero() {
    ensure(1);
    buf[pos++] = 0;
  }

  @Override
  public int bytesBuffered() {
    return 0;
  }

  /** Length, then the UTF-8 bytes, as {@code String.getBytes(UTF_8)} gives them. */
  @Override
  public void writeString(String s) {
    int chars = s.length();
    int ascii = 0;
    while (ascii < chars && s.charAt(ascii) < 0x80) {
      ascii++;
    }
    if (ascii < chars) {
      // Not all ASCII: surrogates and replacement characters as the JDK encodes them.
      byte[] bytes = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      writeInt(bytes.length);
      writeFixed(bytes, 0, bytes.length);
      return;
    }
    writeInt(chars);
    ensure(chars);
    for (int i = 0; i < chars; i++) {
      buf[pos++] = (byte) s.charAt(i);
    }
  }
}
