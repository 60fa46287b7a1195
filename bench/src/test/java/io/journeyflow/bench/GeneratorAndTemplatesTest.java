package io.journeyflow.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyflow.patterns.Rule;
import io.journeyflow.patterns.RuleSet;
import io.journeyflow.schema.CustomerEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneratorAndTemplatesTest {

  @Test
  void fiftyGeneratedRulesLoadWithUniqueIdsAndSpreadOverEventTypes(@TempDir Path dir)
      throws Exception {
    RuleSet rules = RuleTemplates.generate(50, dir);
    assertThat(rules.rules()).hasSize(50);
    Set<String> ids = new HashSet<>();
    for (Rule rule : rules.rules()) {
      ids.add(rule.id() + "/" + rule.version());
    }
    assertThat(ids).hasSize(50);
    // The first seven are the starters as they are; copies listen to other trigger types.
    assertThat(rules.eventTypes().size()).isGreaterThan(20);
  }

  @Test
  void theSameSeedGivesTheSameEvents(@TempDir Path dir) throws Exception {
    RuleSet rules = RuleTemplates.generate(7, dir);
    assertThat(sample(new EventGenerator(7, 1000, 1.0, 0.05, rules)))
        .isEqualTo(sample(new EventGenerator(7, 1000, 1.0, 0.05, rules)))
        .isNotEqualTo(sample(new EventGenerator(8, 1000, 1.0, 0.05, rules)));
  }

  @Test
  void activityIsSkewedAndStoriesHappen(@TempDir Path dir) throws Exception {
    EventGenerator generator =
        new EventGenerator(1, 10_000, 1.0, 0.02, RuleTemplates.generate(7, dir));
    int busiest = 0;
    Set<String> types = new HashSet<>();
    for (int i = 0; i < 20_000; i++) {
      CustomerEvent e = generator.next(1_000L * i);
      types.add(e.getEventType());
      if ("c-0".equals(e.getIdentities().get("customerId"))) {
        busiest++;
      }
    }
    // Zipf(1) over 10k customers: the busiest has about 1/H(10000) = 10% of the traffic.
    assertThat(busiest).isBetween(1_000, 3_000);
    assertThat(types.size()).isGreaterThanOrEqualTo(28);
    assertThat(generator.storiesStarted()).isBetween(200L, 600L);
    assertThat(generator.distinctCustomers()).isLessThan(10_000);
  }

  private static List<String> sample(EventGenerator generator) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      CustomerEvent e = generator.next(1_000L * i);
      out.add(e.getEventId() + e.getEventType() + e.getOccurredAt() + e.getAttributes());
    }
    return out;
  }
}
