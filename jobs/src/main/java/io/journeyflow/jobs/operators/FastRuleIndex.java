package io.journeyflow.jobs.operators;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * One customer's index of the fast rules that hold state: each rule's next deadline and its
 * count of starts stored beside its state. The fast operator reads it at every timer, so it is
 * one compact value matched to the rules by their keys' bytes, without building a map of
 * strings (as a {@code Map<String, Long>} it was a fifth of the operator's time).
 *
 * <p>Stored as the number of entries, then per rule with state: its key's length and ASCII
 * bytes, its deadline, its count of stored starts; in the order of the deployed rules; then the
 * time of the customer's one pending deadline timer ({@link #wake}), absent in values written
 * before 2026-12-07 (night), when every deadline had a timer of its own. Entries of rule
 * versions no longer deployed are reported as retired when read.
 */
final class FastRuleIndex {

  /** No state for the rule. */
  static final long NONE = Long.MIN_VALUE;

  private final byte[][] keys;
  private final String[] names;
  /** Each rule's next deadline (Long.MAX_VALUE without a window), or NONE. */
  final long[] deadline;
  /** Each rule's count of stored starts. */
  final long[] starts;
  /** Keys of retired rule versions with state, and their counts of stored starts. */
  final Map<String, Long> retired = new LinkedHashMap<>();
  /**
   * When the customer's deadline timer fires (at or before the earliest deadline), or NONE
   * without one. Read from a value of the earlier form: the earliest deadline, which had a timer
   * like every other deadline then.
   */
  long wake;
  /** Whether this differs from what was read. */
  boolean changed;
  private final DataOutputSerializer out = new DataOutputSerializer(256);

  /** For the rules with these state keys (ASCII), in deployment order. */
  FastRuleIndex(String[] ruleKeys) {
    names = ruleKeys.clone();
    keys = new byte[ruleKeys.length][];
    for (int i = 0; i < ruleKeys.length; i++) {
      keys[i] = ruleKeys[i].getBytes(StandardCharsets.US_ASCII);
    }
    deadline = new long[ruleKeys.length];
    starts = new long[ruleKeys.length];
    clear();
  }

  /** Empty: no rule with state. */
  void clear() {
    Arrays.fill(deadline, NONE);
    Arrays.fill(starts, 0);
    wake = NONE;
    retired.clear();
    changed = false;
  }

  boolean isEmpty() {
    for (long d : deadline) {
      if (d != NONE) {
        return false;
      }
    }
    return true;
  }

  /** Reads a stored index (after {@link #clear}). */
  void read(byte[] stored) throws java.io.IOException {
    DataInputDeserializer in = new DataInputDeserializer(stored);
    int n = in.readInt();
    int guess = 0;
    for (int k = 0; k < n; k++) {
      int length = in.readShort();
      int at = in.getPosition();
      int rule = find(stored, at, length, guess);
      in.skipBytesToRead(length);
      long d = in.readLong();
      long s = in.readLong();
      if (rule < 0) {
        retired.put(new String(stored, at, length, StandardCharsets.US_ASCII), s);
        changed = true;
      } else {
        deadline[rule] = d;
        starts[rule] = s;
        guess = rule + 1;
      }
    }
    wake = in.available() >= Long.BYTES ? in.readLong() : earlierWake();
  }

  private long earlierWake() {
    long earliest = earliest();
    return earliest == Long.MAX_VALUE ? NONE : earliest;
  }

  /** The earliest deadline that needs a timer, or Long.MAX_VALUE if none does. */
  long earliest() {
    long earliest = Long.MAX_VALUE;
    for (long d : deadline) {
      if (d != NONE && d < earliest) {
        earliest = d;
      }
    }
    return earliest;
  }

  /**
   * Reads the index as the earlier {@code Map<String, Long>} (state {@code fast-index}) held it:
   * rule key to deadline, and rule key + {@code countSuffix} to the count of stored starts.
   */
  void read(Map<String, Long> legacy, String countSuffix) {
    for (Map.Entry<String, Long> e : legacy.entrySet()) {
      String key = e.getKey();
      boolean count = key.endsWith(countSuffix);
      String rule = count ? key.substring(0, key.length() - countSuffix.length()) : key;
      int i = Arrays.asList(names).indexOf(rule);
      if (i < 0) {
        retired.merge(rule, count ? e.getValue() : 0L, Long::sum);
      } else if (count) {
        starts[i] = e.getValue();
      } else {
        deadline[i] = e.getValue();
      }
    }
    wake = earlierWake();
    changed = true;
  }

  /** The stored form of this index. */
  byte[] write() throws java.io.IOException {
    out.clear();
    int kept = 0;
    for (long d : deadline) {
      kept += d != NONE ? 1 : 0;
    }
    out.writeInt(kept);
    for (int i = 0; i < deadline.length; i++) {
      if (deadline[i] == NONE) {
        continue;
      }
      out.writeShort(keys[i].length);
      out.write(keys[i]);
      out.writeLong(deadline[i]);
      out.writeLong(starts[i]);
    }
    out.writeLong(wake);
    return out.getCopyOfBuffer();
  }

  private int find(byte[] stored, int at, int length, int guess) {
    if (guess < keys.length && matches(keys[guess], stored, at, length)) {
      return guess;
    }
    for (int i = 0; i < keys.length; i++) {
      if (matches(keys[i], stored, at, length)) {
        return i;
      }
    }
    return -1;
  }

  private static boolean matches(byte[] key, byte[] stored, int at, int length) {
    return key.length == length
        && Arrays.equals(key, 0, length, stored, at, at + length);
  }
}
