package io.journeyflow.schema.json;

import io.journeyflow.schema.CustomerEvent;
import org.apache.avro.generic.IndexedRecord;

/**
 * The JSON-lines form of the contract: field names as in the Avro schemas, unions written
 * plainly, timestamps as ISO-8601 UTC strings, enums by name, bytes as base64.
 */
public final class ContractJson {

  private ContractJson() {}

  /**
   * One line of JSON (no line break) for any generated or generic record: fields in schema
   * order, map keys sorted, so the same record always gives the same line.
   *
   * @throws IllegalArgumentException if the record does not fit its own schema (e.g. a null in
   *     a non-nullable field), naming the field
   */
  public static String toJson(IndexedRecord record) {
    return RecordJsonWriter.write(record);
  }

  /**
   * Parses and validates one JSON-lines CustomerEvent. Strict: unknown or repeated fields, wrong
   * types and everything {@link #validate} rejects fail with a message naming the field.
   */
  public static CustomerEvent parseEvent(String json) throws InvalidEventException {
    return EventJsonReader.read(json);
  }

  /**
   * The semantic checks Avro decoding cannot make: non-blank eventId and source, dotted
   * lowercase eventType, an occurredAt, at least one identity without blank values, scalar
   * attributes with finite numbers.
   */
  public static void validate(CustomerEvent event) throws InvalidEventException {
    EventRules.check(event);
  }
}
