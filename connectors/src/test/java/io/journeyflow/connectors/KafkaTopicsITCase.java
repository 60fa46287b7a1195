package io.journeyflow.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.journeyflow.connectors.testing.EmbeddedKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The topic check before the job starts, against a real broker. */
class KafkaTopicsITCase {

  @RegisterExtension static final EmbeddedKafka KAFKA = new EmbeddedKafka();

  @Test
  void listsTheTopicsThatDoNotExist() throws Exception {
    String present = KAFKA.uniqueTopic("present");
    KAFKA.createTopic(present, 1);
    String absent = KAFKA.uniqueTopic("absent");

    assertThat(KafkaTopics.missing(KAFKA.bootstrapServers(), Map.of(),
        List.of(present, absent, present), Duration.ofSeconds(30)))
        .containsExactly(absent);
    assertThat(KafkaTopics.missing(KAFKA.bootstrapServers(), Map.of(), List.of(present),
        Duration.ofSeconds(30))).isEmpty();
  }

  @Test
  void unreachableBrokersAreAClearErrorWithinTheTimeout() {
    assertThatThrownBy(() -> KafkaTopics.missing("127.0.0.1:1", Map.of(), List.of("t"),
        Duration.ofSeconds(2)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("could not list the topics of Kafka at 127.0.0.1:1 within PT2S");
  }
}
