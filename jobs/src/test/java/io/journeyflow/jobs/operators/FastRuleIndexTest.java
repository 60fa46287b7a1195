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
  void keepsTheCustomersWakeUpTimeAndReadsTheEarlierFormWithoutIt() throws Exception {
    String[] keys = {"fast-a-v1", "fast-b-v1"};
    FastRuleIndex index = new FastRuleIndex(keys);
    index.deadline[0] = 5_000;
    index.deadline[1] = 2_000;
    assertThat(index.earliest()).isEqualTo(2_000);
    index.wake = 1_500;
    byte[] stored = index.write();
    FastRuleIndex read = new FastRuleIndex(keys);
    read.read(stored);
    assertThat(read.wake).isEqualTo(1_500);

    // Before 2026-12-07 (night) the value ended after the entries, and every deadline had a
    // timer: the earliest deadline is when the customer's next timer fires.
    byte[] earlier = java.util.Arrays.copyOf(stored, stored.length - Long.BYTES);
    FastRuleIndex old = new FastRuleIndex(keys);
    old.read(earlier);
    assertThat(old.deadline).containsExactly(5_000, 2_000);
    assertThat(old.wake).isEqualTo(2_000);

    FastRuleIndex unwindowed = new FastRuleIndex(keys);
    unwindowed.deadline[0] = Long.MAX_VALUE;
    unwindowed.wake = 7; // not written without the trailing field below
    byte[] noWindow = unwindowed.write();
    FastRuleIndex oldUnwindowed = new FastRuleIndex(keys);
    oldUnwindowed.read(java.util.Arrays.copyOf(noWindow, noWindow.length - Long.BYTES));
    assertThat(oldUnwindowed.wake).as("no timer for a rule without a window")
        .isEqualTo(FastRuleIndex.NONE);
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
    assertThat(index.wake).isEqualTo(10);
    index.clear();
    assertThat(index.isEmpty()).isTrue();
    assertThat(index.wake).isEqualTo(FastRuleIndex.NONE);
  }
}
