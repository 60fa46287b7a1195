package io.journeyflow.patterns.engine;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * An event id a partial match keeps (its first and last event's), as it is stored: ids are
 * compared only between events of equal timestamps, so most are read and written back without
 * ever becoming a string. Flink's {@code readUTF}/{@code writeUTF} decode and encode char by
 * char, and with two ids per partial match they were a third of the fast rule operator's time.
 *
 * <p>Stored as its length and its bytes when all its chars are ASCII (ids are, in practice);
 * any other id as length -1 and modified UTF-8, which keeps every string exactly.
 */
final class StoredId implements Serializable {

  private static final long serialVersionUID = 1L;

  private String text;
  /** The ASCII bytes, when the id is ASCII and was read or written as such. */
  private transient byte[] ascii;

  private StoredId(String text, byte[] ascii) {
    this.text = text;
    this.ascii = ascii;
  }

  static StoredId of(String id) {
    return new StoredId(id, null);
  }

  String text() {
    if (text == null) {
      text = new String(ascii, StandardCharsets.ISO_8859_1);
    }
    return text;
  }

  void write(DataOutputView out) throws IOException {
    if (ascii == null && isAscii(text)) {
      ascii = text.getBytes(StandardCharsets.ISO_8859_1);
    }
    if (ascii != null) {
      out.writeInt(ascii.length);
      out.write(ascii);
    } else {
      out.writeInt(-1);
      out.writeUTF(text);
    }
  }

  static StoredId read(DataInputView in) throws IOException {
    int length = in.readInt();
    if (length < 0) {
      return new StoredId(in.readUTF(), null);
    }
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    return new StoredId(null, bytes);
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
    return o instanceof StoredId other && text().equals(other.text());
  }

  @Override
  public int hashCode() {
    return text().hashCode();
  }

  @Override
  public String toString() {
    return text();
  }
}
