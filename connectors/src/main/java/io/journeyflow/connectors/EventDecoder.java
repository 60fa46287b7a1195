package io.journeyflow.connectors;

import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.DeadLetter;
import io.journeyflow.schema.DeadLetterOrigin;
import io.journeyflow.schema.json.ContractJson;
import io.journeyflow.schema.json.InvalidEventException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.flink.types.Either;

/** Bytes to event, or to a dead letter that says why; never throws. */
public final class EventDecoder implements Serializable {

  private static final long serialVersionUID = 1L;

  private final InputFormat format;

  public EventDecoder(InputFormat format) {
    this.format = format;
  }

  public Either<DeadLetter, CustomerEvent> decode(byte[] payload, DeadLetterOrigin origin) {
    if (payload == null) {
      return Either.Left(
          DeadLetters.of(origin, null, "decode", "record has no value (tombstone?)", null));
    }
    CustomerEvent event;
    try {
      event =
          format == InputFormat.AVRO
              ? CustomerEvent.fromByteBuffer(ByteBuffer.wrap(payload))
              : ContractJson.parseEvent(new String(payload, StandardCharsets.UTF_8));
    } catch (InvalidEventException e) {
      // JSON parsing validates too: tell a syntax error from a contract violation.
      String stage = e.getMessage().startsWith("invalid JSON") ? "decode" : "validate";
      return Either.Left(DeadLetters.of(origin, payload, stage, e.getMessage(), e.eventId()));
    } catch (Exception | StackOverflowError e) {
      return Either.Left(
          DeadLetters.of(
              origin,
              payload,
              "decode",
              "not a " + format + " CustomerEvent: " + e.getClass().getSimpleName() + ": "
                  + e.getMessage(),
              null));
    }
    try {
      ContractJson.validate(event);
    } catch (InvalidEventException e) {
      return Either.Left(DeadLetters.of(origin, payload, "validate", e.getMessage(), e.eventId()));
    }
    return Either.Right(event);
  }
}
