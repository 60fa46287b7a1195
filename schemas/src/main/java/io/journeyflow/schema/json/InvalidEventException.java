package io.journeyflow.schema.json;

/** An input that does not satisfy the CustomerEvent contract; says which field and why. */
public final class InvalidEventException extends Exception {

  private final String eventId;

  public InvalidEventException(String message, String eventId) {
    super(message);
    this.eventId = eventId;
  }

  public InvalidEventException(String message, String eventId, Throwable cause) {
    super(message, cause);
    this.eventId = eventId;
  }

  /** The event's id when it could be read, else null. */
  public String eventId() {
    return eventId;
  }
}
