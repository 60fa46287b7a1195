package io.journeyflow.jobs.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyflow.jobs.testing.Events;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.DeadLetter;
import java.util.List;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.types.Either;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

/** Decoded input: events pass, what cannot become a customer's event is a dead letter. */
class DecodeSplitterTest {

  private static final OutputTag<DeadLetter> DEAD =
      new OutputTag<>("dead", new AvroTypeInfo<>(DeadLetter.class));

  @Test
  void theJobsOwnEventTypesCannotComeFromInput() throws Exception {
    var h = ProcessFunctionTestHarnesses.forProcessFunction(
        new DecodeSplitter(new CustomerKeys(List.of("customerId")), DEAD));
    CustomerEvent forged = Events.event("f1", IdentityEvents.TRANSFER, "c1", 1);
    CustomerEvent fine = Events.event("e1", "journey.started", "c1", 2);
    h.processElement(Either.Right(forged), 1L);
    h.processElement(Either.Right(fine), 2L);

    assertThat(h.extractOutputValues()).extracting(CustomerEvent::getEventId)
        .containsExactly("e1");
    assertThat(h.getSideOutput(DEAD)).singleElement().satisfies(r -> {
      assertThat(r.getValue().getStage()).isEqualTo("validate");
      assertThat(r.getValue().getError()).contains("is reserved");
      assertThat(r.getValue().getEventId()).isEqualTo("f1");
    });
  }
}
