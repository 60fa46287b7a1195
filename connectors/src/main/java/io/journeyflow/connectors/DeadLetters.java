package io.journeyflow.connectors;

import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.DeadLetter;
import io.journeyflow.schema.DeadLetterOrigin;
import io.journeyflow.schema.json.ContractJson;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Builds dead-letter records that keep the original input and say where it came from. */
public final class DeadLetters {

  /** Stage: the bytes are not a CustomerEvent at all (not Avro of it, not JSON, not UTF-8). */
  public static final String DECODE = "decode";
  /** Stage: decoded, but breaks the contract (blank ids, empty identities, ...). */
  public static final String VALIDATE = "validate";
  /** Stage: none of the identifier types the job resolves customers by. */
  public static final String IDENTITY = "identity";
  /** Stage: event time not after the watermark any more. */
  public static final String LATE = "late";

  /** Origin kinds. */
  public static final String KAFKA = "kafka";
  public static final String FILE = "file";
  public static final String EVENT = "event";

  private DeadLetters() {}

  public static DeadLetterOrigin kafka(String topic, int partition, long offset) {
    return DeadLetterOrigin.newBuilder()
        .setKind(KAFKA)
        .setTopic(topic)
        .setPartition(partition)
        .setOffset(offset)
        .build();
  }

  /** A line of a file; {@code line} is 1-based. */
  public static DeadLetterOrigin file(String file, long line) {
    return DeadLetterOrigin.newBuilder().setKind(FILE).setFile(file).setLine(line).build();
  }

  /** A decoded event whose source coordinates are no longer known. */
  public static DeadLetterOrigin event() {
    return DeadLetterOrigin.newBuilder().setKind(EVENT).build();
  }

  /**
   * Input rejected before or while decoding: the bytes are kept untouched (null becomes empty),
   * with their text when they are valid UTF-8.
   */
  public static DeadLetter of(
      DeadLetterOrigin origin, byte[] payload, String stage, String error, String eventId) {
    byte[] bytes = payload == null ? new byte[0] : payload;
    return DeadLetter.newBuilder()
        .setOrigin(origin)
        .setPayload(ByteBuffer.wrap(bytes))
        .setPayloadText(utf8OrNull(bytes))
        .setStage(stage)
        .setError(error)
        .setEventId(eventId)
        // Millisecond precision, as the record is encoded: a decoded copy stays equal.
        .setRejectedAt(Instant.ofEpochMilli(System.currentTimeMillis()))
        .build();
  }

  /**
   * A decoded event rejected later (no usable identity, too late): its source coordinates are
   * gone, so the origin kind is {@code event} and the payload is its JSON-lines form, which
   * replays as JSON input.
   */
  public static DeadLetter forEvent(CustomerEvent event, String stage, String error) {
    byte[] json = ContractJson.toJson(event).getBytes(StandardCharsets.UTF_8);
    return of(event(), json, stage, error, event.getEventId());
  }

  /** The bytes as text if they are valid UTF-8, else null. */
  static String utf8OrNull(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
