package io.journeyflow.schema.json;

/** An input that does not satisfy the CustomerEvent contract; says which field and why. */
public final class InvalidEventException extends Exception {

  private static final long serialVersionUID = 1L;

  private final String field;
  private final String eventId;
  private final boolean malformed;

  private InvalidEventException(
      String field, String message, String eventId, boolean malformed, Throwable cause) {
    super(message, cause);
    this.field = field;
    this.eventId = eventId;
    this.malformed = malformed;
  }

  /** A field breaks the contract; the message starts with the field's name. */
  public InvalidEventException(String field, String message, String eventId) {
    this(field, message, eventId, false, null);
  }

  /** A field breaks the contract, found by {@code cause} (e.g. a date parser). */
  public InvalidEventException(String field, String message, String eventId, Throwable cause) {
    this(field, message, eventId, false, cause);
  }

  /** The input is not a JSON object at all: nothing of it can be read. */
  public static InvalidEventException malformed(String message, Throwable cause) {
    return new InvalidEventException(null, message, null, true, cause);
  }

  /** The offending field (dotted for nested ones, e.g. identities.email), or null. */
  public String field() {
    return field;
  }

  /** The event's id when it could be read, else null. */
  public String eventId() {
    return eventId;
  }

  /**
   * True when the input is not a JSON object (a decode failure); false when it is one but
   * breaks the contract (a validation failure).
   */
  public boolean isMalformed() {
    return malformed;
  }
}
