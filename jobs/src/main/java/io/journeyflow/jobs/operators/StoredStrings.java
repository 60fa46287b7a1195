package io.journeyflow.jobs.operators;

import java.io.IOException;
import org.apache.flink.core.memory.DataInputView;

/**
 * Reads strings in Flink's {@code StringValue} format (length + 1 and then each char, as 7-bit
 * groups) without its thread-local char buffer: in a profile of the decision task the look-up
 * of that thread-local took 6% of the thread (probing past many entries of the task thread's
 * map of thread-locals), more than the decoding, and open journeys decode a few strings per
 * journey on nearly every event. The format, and so every stored value, stays the same.
 */
final class StoredStrings {

  private static final int HIGH_BIT = 0x80;

  private StoredStrings() {}

  /** What {@code StringValue.writeString} wrote: a string, or null. */
  static String read(DataInputView in) throws IOException {
    int length = readVarInt(in, in.readUnsignedByte());
    if (length == 0) {
      return null;
    }
    char[] chars = new char[length - 1];
    for (int i = 0; i < chars.length; i++) {
      chars[i] = (char) readVarInt(in, in.readUnsignedByte());
    }
    return new String(chars);
  }

  private static int readVarInt(DataInputView in, int first) throws IOException {
    if (first < HIGH_BIT) {
      return first;
    }
    int value = first & 0x7f;
    int shift = 7;
    int next;
    while ((next = in.readUnsignedByte()) >= HIGH_BIT) {
      value |= (next & 0x7f) << shift;
      shift += 7;
    }
    return value | (next << shift);
  }
}
