package io.journeyflow.jobs.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyflow.schema.CustomerEvent;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo's events as produced: in event-time order, or the watermark would make some late. */
class DemoStoriesTest {

  /**
   * Produced story by story, Fay's contact (14:20) followed Ann's resolution (15:00) in the same
   * partition, and was dead-lettered as late whenever a watermark was emitted between the two
   * reads: a matter of fetch timing, which a change of the job graph was enough to tip.
   */
  @Test
  void eventsAreProducedInEventTimeOrder() {
    List<Instant> times =
        DemoStories.events().stream().map(CustomerEvent::getOccurredAt).toList();
    assertThat(times).isSorted().hasSizeGreaterThan(10);
  }
}
