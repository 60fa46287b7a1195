package io.journeyflow.connectors;

import java.util.Arrays;
import java.util.Locale;

/** How input records are encoded. */
public enum InputFormat {
  /** Avro single-object encoding of CustomerEvent (marker, schema fingerprint, binary body). */
  AVRO,
  /** The JSON-lines form of CustomerEvent, UTF-8. */
  JSON;

  /** Case-insensitive, for configuration values such as {@code json}. */
  public static InputFormat parse(String value) {
    for (InputFormat f : values()) {
      if (f.name().equalsIgnoreCase(value == null ? "" : value.trim())) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "unknown input format '" + value + "': use one of "
            + Arrays.toString(values()).toLowerCase(Locale.ROOT));
  }
}
