package io.journeyflow.patterns.engine;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A string a partial match keeps of its events (the first and last event's ids, the first
 * event's entity id, which may be null), as it is stored: ids are compared only between events
 * of equal timestamps, so most are read and written back without ever becoming a string.
 * Flink's {@code readUTF}/{@code writeUTF} decode and encode char by char, and with two ids per
 * partial match they were a third of the fast rule operator's time.
 *
 * <p>Stored as its length and its bytes when all its chars are ASCII (ids are, in practice);
 * any other id as minus its length in chars and its UTF-16 chars, which keeps every string
 * exactly (unpaired surrogates too); null as {@link Integer#MIN_VALUE}.
 */
final class StoredId implements Serializable {

  private static final long serialVersionUID = 1L;
  private static final int NULL = Integer.MIN_VALUE;

  private String text;
  /** Whether {@link #text} holds the value (it may be null). */
  private boolean decoded;
  /** The stored form (length and chars) at {@link #offset}, or null. */
  private transient byte[] stored;
  private transient int offset;

  private StoredId(String text, byte[] stored, int offset) {
    this.text = text;
    this.decoded = stored == null;
    this.stored = stored;
    this.offset = offset;
  }

  static StoredId of(String id) {
    return new StoredId(id, null, 0);
  }

  /** The id stored at {@code offset} of {@code bytes}, decoded when first needed. */
  static StoredId slice(byte[] bytes, int offset) {
    return new StoredId(null, bytes, offset);
  }

  /** How many bytes the id stored at {@code offset} takes, its length included. */
  static int storedSize(byte[] bytes, int offset) {
    int n = Bytes.getInt(bytes, offset);
    return 4 + (n >= 0 ? n : n == NULL ? 0 : -2 * n);
  }

  /** The string, or null. */
  String text() {
    if (!decoded) {
      decoded = true;
      int n = Bytes.getInt(stored, offset);
      if (n == NULL) {
        text = null;
      } else if (n >= 0) {
        text = new String(stored, offset + 4, n, StandardCharsets.ISO_8859_1);
      } else {
        char[] chars = new char[-n];
        for (int i = 0, at = offset + 4; i < chars.length; i++, at += 2) {
          chars[i] = (char) ((stored[at] & 0xff) << 8 | (stored[at + 1] & 0xff));
        }
        text = new String(chars);
      }
    }
    return text;
  }

  void write(DataOutputView out) throws IOException {
    if (stored != null) {
      out.write(stored, offset, storedSize(stored, offset));
    } else if (text == null) {
      out.writeInt(NULL);
    } else if (isAscii(text)) {
      out.writeInt(text.length());
      out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    } else {
      out.writeInt(-text.length());
      out.writeChars(text);
    }
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  private void writeObject(ObjectOutputStream out) throws IOException {
    text(); // Java serialization keeps the string
    out.defaultWriteObject();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoredId other && Objects.equals(text(), other.text());
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(text());
  }

  @Override
  public String toString() {
    return text();
  }
}
