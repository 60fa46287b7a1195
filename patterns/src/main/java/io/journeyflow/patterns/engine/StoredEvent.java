package io.journeyflow.patterns.engine;

import io.journeyflow.schema.CustomerEvent;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * An event a partial match took, kept as the bytes it was stored as until something reads it.
 * A customer with many open partial matches has them all read and written back whenever an
 * event concerns the rule; most are only carried along, and copying their bytes costs far less
 * than decoding and encoding each event again (Avro). Conditions that look at earlier steps and
 * emitted matches decode the events they need, once.
 */
final class StoredEvent implements Serializable {

  private static final long serialVersionUID = 1L;

  private CustomerEvent event;
  private transient byte[] bytes;
  private transient TypeSerializer<CustomerEvent> decoder;

  private StoredEvent(CustomerEvent event, byte[] bytes, TypeSerializer<CustomerEvent> decoder) {
    this.event = event;
    this.bytes = bytes;
    this.decoder = decoder;
  }

  static StoredEvent of(CustomerEvent event) {
    return new StoredEvent(event, null, null);
  }

  /** Bytes read from state, decoded with {@code decoder} when first needed. */
  static StoredEvent stored(byte[] bytes, TypeSerializer<CustomerEvent> decoder) {
    return new StoredEvent(null, bytes, decoder);
  }

  CustomerEvent get() {
    if (event == null) {
      try {
        event = decoder.deserialize(new DataInputDeserializer(bytes));
      } catch (IOException e) {
        throw new UncheckedIOException("unreadable event in a fast rule's state", e);
      }
    }
    return event;
  }

  /** The stored form, encoded with {@code encoder} (through {@code buffer}) only once. */
  byte[] bytes(TypeSerializer<CustomerEvent> encoder, DataOutputSerializer buffer)
      throws IOException {
    if (bytes == null) {
      buffer.clear();
      encoder.serialize(event, buffer);
      bytes = buffer.getCopyOfBuffer();
    }
    return bytes;
  }

  private void writeObject(ObjectOutputStream out) throws IOException {
    get(); // Java serialization keeps the event, not the bytes
    out.defaultWriteObject();
  }
}
