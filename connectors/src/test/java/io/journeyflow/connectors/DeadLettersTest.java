package io.journeyflow.connectors;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.DeadLetter;
import io.journeyflow.schema.json.ContractJson;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Dead letters keep the input and survive their own encoding unchanged. */
class DeadLettersTest {

  @Test
  void anEventRejectedAfterDecodingCarriesItsReplayableJson() throws Exception {
    CustomerEvent event = EventDecoderTest.event("e-3");
    DeadLetter d = DeadLetters.forEvent(event, DeadLetters.LATE, "event time before watermark");
    assertThat(d.getOrigin()).isEqualTo(DeadLetters.event());
    assertThat(d.getOrigin().getKind()).isEqualTo("event");
    assertThat(d.getOrigin().getTopic()).isNull();
    assertThat(d.getOrigin().getFile()).isNull();
    assertThat(d.getStage()).isEqualTo("late");
    assertThat(d.getEventId()).isEqualTo("e-3");
    String json = StandardCharsets.UTF_8.decode(d.getPayload().duplicate()).toString();
    assertThat(d.getPayloadText()).isEqualTo(json).isEqualTo(ContractJson.toJson(event));
    // Replayable: the payload is valid JSON input again.
    assertThat(new EventDecoder(InputFormat.JSON).decode(json.getBytes(StandardCharsets.UTF_8),
        DeadLetters.event()).right()).isEqualTo(event);
  }

  @Test
  void binaryPayloadHasNoText() {
    DeadLetter d =
        DeadLetters.of(DeadLetters.kafka("t", 0, 1), new byte[] {(byte) 0xC3, 0x28}, "decode",
            "x", null);
    assertThat(d.getPayloadText()).isNull();
  }

  @Test
  void aDeadLetterSurvivesAvroAndJsonForms() throws Exception {
    DeadLetter d =
        DeadLetters.of(DeadLetters.file("a.jsonl", 3), "ü".getBytes(StandardCharsets.UTF_8),
            DeadLetters.DECODE, "bad", null);
    assertThat(DeadLetter.fromByteBuffer(d.toByteBuffer())).isEqualTo(d);
    assertThat(ContractJson.toJson(d))
        .contains("\"origin\":{\"kind\":\"file\",\"topic\":null,\"partition\":null,"
            + "\"offset\":null,\"file\":\"a.jsonl\",\"line\":3}")
        .contains("\"payload\":\"w7w=\",\"payloadText\":\"ü\"");
    assertThat(d.getPayload()).isEqualTo(ByteBuffer.wrap(new byte[] {(byte) 0xC3, (byte) 0xBC}));
  }
}
