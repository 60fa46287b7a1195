package io.journeyflow.connectors;

import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.DeadLetter;
import io.journeyflow.schema.DeadLetterOrigin;
import io.journeyflow.schema.json.ContractJson;
import io.journeyflow.schema.history.ContractHistory;
import io.journeyflow.schema.json.InvalidEventException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.flink.types.Either;

/**
 * Bytes to a valid event, or to a dead letter that keeps the bytes and says why; never throws,
 * so bad input can neither fail the job nor disappear.
 *
 * <p>Stage {@code decode}: the bytes are no CustomerEvent (not its Avro single-object encoding,
 * not UTF-8, not a JSON object). Stage {@code validate}: they are one, but it breaks the contract
 * (see {@link ContractJson#validate}; for JSON also unknown fields and wrong field types).
 */
public final class EventDecoder implements Serializable {

  private static final long serialVersionUID = 1L;

  private static final byte[] AVRO_MARKER = {(byte) 0xC3, 0x01};
  private static final int AVRO_HEADER = 10;

  private final InputFormat format;
  /** Earlier writer schemas besides the current one, as JSON (Schema is not serializable). */
  private final List<String> history;

  /** Built on first use: writer schemas by fingerprint, and a decoder that knows them all. */
  private transient Map<Long, Schema> writers;
  private transient BinaryMessageDecoder<CustomerEvent> decoder;

  /** Reads the current CustomerEvent schema and every released one. */
  public EventDecoder(InputFormat format) {
    this(format, ContractHistory.customerEvent());
  }

  /** Reads the current schema and the given earlier writer schemas. */
  public EventDecoder(InputFormat format, List<Schema> earlierWriters) {
    this.format = Objects.requireNonNull(format, "format");
    this.history = earlierWriters.stream().map(Schema::toString).toList();
  }

  public InputFormat format() {
    return format;
  }

  public Either<DeadLetter, CustomerEvent> decode(byte[] payload, DeadLetterOrigin origin) {
    if (payload == null) {
      return Either.Left(
          DeadLetters.of(origin, null, DeadLetters.DECODE,
              "the record has no value (a tombstone?)", null));
    }
    CustomerEvent event;
    try {
      event = format == InputFormat.AVRO ? avro(payload) : json(payload);
    } catch (InvalidEventException e) {
      String stage = e.isMalformed() ? DeadLetters.DECODE : DeadLetters.VALIDATE;
      return Either.Left(
          DeadLetters.of(origin, payload, stage, describe(e) + hint(payload), e.eventId()));
    } catch (Exception | StackOverflowError e) {
      // Avro throws many kinds (bad header, unknown fingerprint, truncated body, ...); a deep
      // corrupt structure may even overflow the stack. All mean: not a CustomerEvent.
      return Either.Left(
          DeadLetters.of(origin, payload, DeadLetters.DECODE,
              (format == InputFormat.AVRO ? "not an AVRO" : "not a JSON") + " CustomerEvent: "
                  + describe(e) + hint(payload),
              null));
    }
    try {
      ContractJson.validate(event);
    } catch (InvalidEventException e) {
      return Either.Left(
          DeadLetters.of(origin, payload, DeadLetters.VALIDATE, describe(e), e.eventId()));
    }
    return Either.Right(event);
  }

  private CustomerEvent avro(byte[] payload) throws Exception {
    if (decoder == null) {
      writers = new HashMap<>();
      decoder = CustomerEvent.createDecoder(null);
      for (String json : history) {
        Schema writer = new Schema.Parser().parse(json);
        writers.put(SchemaNormalization.parsingFingerprint64(writer), writer);
        decoder.addSchema(writer);
      }
      Schema current = CustomerEvent.getClassSchema();
      writers.put(SchemaNormalization.parsingFingerprint64(current), current);
    }
    ByteBuffer buffer = ByteBuffer.wrap(payload);
    Schema writer =
        payload.length >= AVRO_HEADER && payload[0] == AVRO_MARKER[0]
                && payload[1] == AVRO_MARKER[1]
            ? writers.get(buffer.order(ByteOrder.LITTLE_ENDIAN).getLong(2))
            : null;
    if (writer != null) {
      // Other headers never reach body decoding: Avro rejects them first.
      AvroLengthGuard.check(writer, payload, AVRO_HEADER);
    }
    return decoder.decode(ByteBuffer.wrap(payload));
  }

  private static CustomerEvent json(byte[] payload) throws InvalidEventException {
    String text;
    try {
      // Strict: replacement characters would make a different event of broken bytes.
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(payload))
              .toString();
    } catch (CharacterCodingException e) {
      throw InvalidEventException.malformed("not UTF-8 text: " + describe(e), e);
    }
    // Editors on some systems start files with a byte order mark; it is not content.
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    return ContractJson.parseEvent(text);
  }

  /** The input format is a deployment setting: say so when the bytes look like the other one. */
  private String hint(byte[] payload) {
    if (format == InputFormat.AVRO && payload.length > 0 && payload[0] == '{') {
      return " (the payload looks like JSON: is the input format right?)";
    }
    if (format == InputFormat.JSON && payload.length >= 2 && payload[0] == AVRO_MARKER[0]
        && payload[1] == AVRO_MARKER[1]) {
      return " (the payload looks like Avro single-object encoding: is the input format right?)";
    }
    return "";
  }

  /** Type and message, plus the root cause's: Avro wraps the telling exception. */
  static String describe(Throwable e) {
    String text = e.getClass().getSimpleName() + ": " + e.getMessage();
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root != e && !(e instanceof InvalidEventException)) {
      text += " (caused by " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
    }
    return text;
  }
}
