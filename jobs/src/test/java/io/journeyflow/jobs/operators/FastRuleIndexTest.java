package io.journeyflow.jobs.operators;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fast operator's per-customer index: its stored form, rule set changes, the older map. */
class FastRuleIndexTest {

  @Test
  void readsBackWhatItWroteAndOnlyRulesWithState() throws Exception {
    FastRuleIndex index = new FastRuleIndex(new String[] {"fast-a-v1", "fast-b-v1", "fast-c-v2"});
    index.deadline[0] = 1_000;
    index.starts[0] = 3;
    index.deadline[2] = Long.MAX_VALUE; // a rule without a window
    byte[] stored = index.write();

    FastRuleIndex read = new FastRuleIndex(new String[] {"fast-a-v1", "fast-b-v1", "fast-c-v2"});
    read.read(stored);
    assertThat(read.deadline).containsExactly(1_000, FastRuleIndex.NONE, Long.MAX_VALUE);
    assertThat(read.starts).containsExactly(3, 0, 0);
    assertThat(read.retired).isEmpty();
    assertThat(read.changed).isFalse();
    assertThat(read.isEmpty()).isFalse();
  }

  @Test
  void aChangedRuleSetFindsRulesByKeyAndReportsRetiredOnes() throws Exception {
    FastRuleIndex before = new FastRuleIndex(new String[] {"fast-a-v1", "fast-b-v1", "fast-c-v1"});
    before.deadline[0] = 10;
    before.deadline[1] = 20;
    before.starts[1] = 2;
    before.deadline[2] = 30;
    byte[] stored = before.write();

    // b retired (a new version), c moved first, d added.
    FastRuleIndex after = new FastRuleIndex(new String[] {"fast-c-v1", "fast-d-v1", "fast-a-v1",
        "fast-b-v2"});
    after.read(stored);
    assertThat(after.deadline).containsExactly(30, FastRuleIndex.NONE, 10, FastRuleIndex.NONE);
    assertThat(after.retired).containsExactly(Map.entry("fast-b-v1", 2L));
    assertThat(after.changed).isTrue();
  }

  @Test
  void readsTheEarlierMapOfRuleKeys() {
    Map<String, Long> legacy = new LinkedHashMap<>();
    legacy.put("fast-a-v1", 10L);
    legacy.put("fast-a-v1#starts", 4L);
    legacy.put("fast-old-v1", 5L);
    legacy.put("fast-old-v1#starts", 1L);
    FastRuleIndex index = new FastRuleIndex(new String[] {"fast-a-v1", "fast-b-v1"});
    index.read(legacy, "#starts");
    assertThat(index.deadline).containsExactly(10, FastRuleIndex.NONE);
    assertThat(index.starts).containsExactly(4, 0);
    assertThat(index.retired).containsExactly(Map.entry("fast-old-v1", 1L));
    assertThat(index.changed).isTrue();
    index.clear();
    assertThat(index.isEmpty()).isTrue();
  }
}
