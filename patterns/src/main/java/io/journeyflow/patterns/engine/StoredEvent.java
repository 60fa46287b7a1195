package io.journeyflow.patterns.engine;

import io.journeyflow.schema.CustomerEvent;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

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
  /** The stored form at {@link #offset}, {@link #length} bytes, or null. */
  private transient byte[] bytes;
  private transient int offset;
  private transient int length;
  private transient TypeSerializer<CustomerEvent> decoder;

  private StoredEvent(CustomerEvent event, byte[] bytes, int offset, int length,
      TypeSerializer<CustomerEvent> decoder) {
    this.event = event;
    this.bytes = bytes;
    this.offset = offset;
    this.length = length;
    this.decoder = decoder;
  }

  static StoredEvent of(CustomerEvent event) {
    return new StoredEvent(event, null, 0, 0, null);
  }

  /** Bytes read from state, decoded with {@code decoder} when first needed. */
  static StoredEvent slice(byte[] bytes, int offset, int length,
      TypeSerializer<CustomerEvent> decoder) {
    return new StoredEvent(null, bytes, offset, length, decoder);
  }

  CustomerEvent get() {
    if (event == null) {
      try {
        event = decoder.deserialize(new DataInputDeserializer(bytes, offset, length));
      } catch (IOException e) {
        throw new UncheckedIOException("unreadable event in a fast rule's state", e);
      }
    }
    return event;
  }

  /**
   * Writes the length and the stored form, encoded with {@code encoder} (through
   * {@code scratch}) only once.
   */
  void write(DataOutputView out, TypeSerializer<CustomerEvent> encoder,
      DataOutputSerializer scratch) throws IOException {
    if (bytes == null) {
      scratch.clear();
      encoder.serialize(event, scratch);
      bytes = scratch.getCopyOfBuffer();
      offset = 0;
      length = bytes.length;
    }
    out.writeInt(length);
    out.write(bytes, offset, length);
  }

  private void writeObject(ObjectOutputStream out) throws IOException {
    get(); // Java serialization keeps the event, not the bytes
    out.defaultWriteObject();
  }
}
