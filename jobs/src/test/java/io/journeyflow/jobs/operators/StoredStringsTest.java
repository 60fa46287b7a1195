package io.journeyflow.jobs.operators;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.types.StringValue;
import org.junit.jupiter.api.Test;

/** Reads exactly what Flink's {@code StringValue.writeString} wrote, and nothing more. */
class StoredStringsTest {

  @Test
  void readsWhatStringValueWrote() throws Exception {
    List<String> strings = new ArrayList<>(Arrays.asList(null, "", "a", "billing-contact",
        "é", "中文", "\uD83D\uDE00 emoji", "\u0000", "\uFFFF", "x".repeat(127),
        "y".repeat(128), "z".repeat(2049), "ü".repeat(20_000)));
    Random random = new Random(7);
    for (int k = 0; k < 200; k++) {
      char[] chars = new char[random.nextInt(300)];
      for (int i = 0; i < chars.length; i++) {
        chars[i] = (char) random.nextInt(k % 2 == 0 ? 128 : 0x10000);
      }
      strings.add(new String(chars));
    }
    DataOutputSerializer out = new DataOutputSerializer(64);
    for (String s : strings) {
      StringValue.writeString(s, out);
    }
    out.writeInt(42); // what follows is left in place

    DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
    List<String> read = new ArrayList<>();
    for (int i = 0; i < strings.size(); i++) {
      read.add(StoredStrings.read(in));
    }
    assertThat(read).containsExactlyElementsOf(strings);
    assertThat(in.readInt()).isEqualTo(42);
  }
}
