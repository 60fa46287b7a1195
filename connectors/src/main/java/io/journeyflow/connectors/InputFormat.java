package io.journeyflow.connectors;

/** How input records are encoded. */
public enum InputFormat {
  /** Avro single-object encoding of CustomerEvent (marker, schema fingerprint, binary body). */
  AVRO,
  /** The JSON-lines form of CustomerEvent, UTF-8. */
  JSON
}
