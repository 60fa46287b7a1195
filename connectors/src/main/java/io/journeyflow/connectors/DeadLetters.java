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

  private DeadLetters() {}

  public static DeadLetterOrigin kafka(String topic, int partition, long offset) {
    return DeadLetterOrigin.newBuilder()
        .setKind("kafka")
        .setTopic(topic)
        .setPartition(partition)
        .setOffset(offset)
        .build();
  }

  public static DeadLetterOrigin file(String file, long line) {
    return DeadLetterOrigin.newBuilder().setKind("file").setFile(file).setLine(line).build();
  }

  /** Input rejected before or while decoding: the bytes are kept untouched. */
  public static DeadLetter of(
      DeadLetterOrigin origin, byte[] payload, String stage, String error, String eventId) {
    byte[] bytes = payload == null ? new byte[0] : payload;
    return DeadLetter.newBuilder()
        .setOrigin(origin)
        .setPayload(ByteBuffer.wrap(bytes))
        .setPayloadText(textOrNull(bytes))
        .setStage(stage)
        .setError(error)
        .setEventId(eventId)
        .setRejectedAt(Instant.now())
        .build();
  }

  /**
   * A decoded event rejected later (no usable identity, too late): its source coordinates are
   * gone, so the payload is its JSON-lines form, which replays as JSON input.
   */
  public static DeadLetter forEvent(CustomerEvent event, String stage, String error) {
    byte[] json = ContractJson.toJson(event).getBytes(StandardCharsets.UTF_8);
    return of(
        DeadLetterOrigin.newBuilder().setKind("event").build(),
        json,
        stage,
        error,
        event.getEventId());
  }

  private static String textOrNull(byte[] bytes) {
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
