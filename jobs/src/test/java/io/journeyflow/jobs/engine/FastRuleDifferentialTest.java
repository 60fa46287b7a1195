package io.journeyflow.jobs.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyflow.patterns.Rule;
import io.journeyflow.patterns.RuleLoader;
import io.journeyflow.patterns.RuleValidationException;
import io.journeyflow.patterns.engine.FastRule;
import io.journeyflow.patterns.engine.FastRuleSupport;
import io.journeyflow.patterns.fixtures.FixtureCase;
import io.journeyflow.patterns.fixtures.FixtureFile;
import io.journeyflow.patterns.fixtures.FixtureLoader;
import io.journeyflow.schema.CustomerEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The fast engine against plain Flink CEP (the compiled rule in CEP's own operator) on the same
 * seeded streams: for every rule it claims, each customer must get the same matches, with the
 * same events per step, in the same order, released by the same watermark. The starter rules
 * and their fixtures run through both too.
 */
class FastRuleDifferentialTest {

  private static final Path RULES = Path.of("..", "patterns", "rules").toAbsolutePath()
      .normalize();
  private static final List<String> STREAM_TYPES = List.of("t.a", "t.b", "t.c", "t.d", "t.z",
      "t.n");

  /** Random rules compared; {@code -Dfastpath.rules=5000 -Dfastpath.seed=N} for a soak run. */
  private static final int RULES_COMPARED = Integer.getInteger("fastpath.rules", 100);
  private static final long SEED = Long.getLong("fastpath.seed", 20261202L);
  private static final int EVENTS = Integer.getInteger("fastpath.events", 120);
  /** {@code -Dfastpath.rocksdb=true}: random rules' functions on RocksDB, restored often. */
  private static final boolean ROCKSDB = Boolean.getBoolean("fastpath.rocksdb");

  @Test
  void randomRulesOnRandomStreams() throws Exception {
    Random random = new Random(SEED);
    int compared = 0;
    int matches = 0;
    int withAbsence = 0;
    for (int r = 0; compared < RULES_COMPARED; r++) {
      String yaml = RandomRules.yaml(random, r);
      Rule rule;
      try {
        rule = RuleLoader.parse("gen-" + r + ".yaml", yaml);
      } catch (RuleValidationException e) {
        continue;
      }
      assertThat(FastRuleSupport.unsupported(rule)).as(yaml).isEmpty();
      long seed = random.nextLong();
      int found = compare(rule, yaml,
          RandomStreams.generate(new Random(seed), STREAM_TYPES, 3, EVENTS), "seed " + seed,
          ROCKSDB);
      matches += found;
      withAbsence += rule.steps().stream().anyMatch(s -> s.absent()) && found > 0 ? 1 : 0;
      compared++;
    }
    // Not a vacuous comparison: many matches, also of absence rules.
    assertThat(matches).isGreaterThan(compared * 2);
    assertThat(withAbsence).isGreaterThan(compared / 10);
  }

  @Test
  void randomRulesTogetherInOneFunction() throws Exception {
    Random random = new Random(SEED + 1);
    int id = 0;
    for (int group = 0; group < 10; group++) {
      List<Rule> rules = new ArrayList<>();
      StringBuilder yamls = new StringBuilder();
      while (rules.size() < 5) {
        String yaml = RandomRules.yaml(random, id++);
        try {
          rules.add(RuleLoader.parse("gen.yaml", yaml));
          yamls.append(yaml).append("---\n");
        } catch (RuleValidationException e) {
          // not a valid rule: draw another
        }
      }
      long seed = random.nextLong();
      List<RandomStreams.Item> items =
          RandomStreams.generate(new Random(seed), STREAM_TYPES, 3, EVENTS);
      Map<String, List<String>> cep = new TreeMap<>();
      List<FastRule> fast = new ArrayList<>();
      for (Rule rule : rules) {
        cep.putAll(run(new CepReference(rule), items));
        fast.add(FastRule.compile(rule).orElseThrow());
      }
      // Strict and relaxed rules share one buffer and one timer per customer here.
      assertThat(run(new FunctionReference(fast, ROCKSDB, ROCKSDB ? 3 : 0), items))
          .as("%s\nseed %d", yamls, seed).isEqualTo(cep);
    }
  }

  @Test
  void starterRulesOnRandomStreams() throws Exception {
    Random random = new Random(7L);
    for (Rule rule : RuleLoader.load(RULES).rules()) {
      List<String> types = new ArrayList<>();
      rule.steps().forEach(s -> types.addAll(s.eventTypes()));
      types.add("page.viewed");
      for (int i = 0; i < 5; i++) {
        long seed = random.nextLong();
        compare(rule, rule.id(), starterStream(new Random(seed), types), "seed " + seed,
            false);
      }
    }
  }

  @Test
  void allStarterRulesInOneFunction() throws Exception {
    List<Rule> rules = RuleLoader.load(RULES).rules();
    List<FastRule> fast = new ArrayList<>();
    List<String> types = new ArrayList<>(List.of("page.viewed"));
    for (Rule rule : rules) {
      fast.add(FastRule.compile(rule).orElseThrow());
      rule.steps().forEach(s -> types.addAll(s.eventTypes()));
    }
    Random random = new Random(11L);
    for (int i = 0; i < 4; i++) {
      List<RandomStreams.Item> items = starterStream(random, types);
      Map<String, List<String>> cep = new TreeMap<>();
      for (Rule rule : rules) {
        cep.putAll(run(new CepReference(rule), items));
      }
      assertThat(run(new FunctionReference(fast, i == 0, i == 0 ? 8 : 0), items))
          .as("stream %d", i).isEqualTo(cep);
    }
  }

  @Test
  void starterFixturesThroughBoth() throws Exception {
    var rules = RuleLoader.load(RULES);
    for (Path file : FixtureLoader.list(RULES)) {
      FixtureFile fixtures = FixtureLoader.load(file);
      Rule rule = rules.rule(fixtures.ruleId());
      List<RandomStreams.Item> items = new ArrayList<>();
      for (int i = 0; i < fixtures.cases().size(); i++) {
        FixtureCase c = fixtures.cases().get(i);
        for (CustomerEvent e : c.events("case-" + (i + 1))) {
          items.add(new RandomStreams.Item(e, 0));
        }
      }
      items.add(new RandomStreams.Item(null, Long.MAX_VALUE));
      compare(rule, rule.id(), items, file.getFileName().toString(), true);
    }
  }

  @Test
  void shapesWithBranchingAreLeftToCep() {
    String head = "id: x\nversion: 1\njourney: j\nwithin: 1h\n";
    String tail = "actions:\n  - type: ACT\n";
    String a = "  - name: a\n    eventTypes: [t.a]\n";
    for (String rest : List.of(
        "steps:\n" + a + "  - name: b\n    eventTypes: [t.b]\n    contiguity: any\n",
        "steps:\n" + a + "  - name: b\n    eventTypes: [t.b]\n    oneOrMore: true\n",
        "steps:\n" + a + "  - name: b\n    eventTypes: [t.b]\n    optional: true\n"
            + "  - name: c\n    eventTypes: [t.c]\n",
        "steps:\n" + a + "  - name: b\n    eventTypes: [t.b]\n    times: {from: 1, to: 2}\n",
        "afterMatch: noSkip\nsteps:\n" + a + "  - name: b\n    eventTypes: [t.b]\n",
        "afterMatch: skipToNext\nsteps:\n" + a + "  - name: b\n    eventTypes: [t.b]\n",
        "steps:\n" + a + "  - name: b\n    eventTypes: [t.a]\n    absent: true\n",
        "steps:\n" + a + "  - name: b\n    eventTypes: [t.b]\n    absent: true\n"
            + "    contiguity: strict\n")) {
      Rule rule;
      try {
        rule = RuleLoader.parse("x.yaml", head + rest + tail);
      } catch (RuleValidationException e) {
        continue;
      }
      assertThat(FastRule.compile(rule)).as(rest).isEmpty();
    }
  }

  /** Runs both and requires the same matches per customer and watermark; returns how many. */
  private static int compare(Rule rule, String what, List<RandomStreams.Item> items,
      String input, boolean rocksDb) throws Exception {
    FastRule fast = FastRule.compile(rule).orElseThrow(
        () -> new AssertionError("not supported: " + FastRuleSupport.unsupported(rule)));
    Map<String, List<String>> cep = run(new CepReference(rule), items);
    Map<String, List<String>> mine = run(new FastReference(fast, false), items);
    assertThat(mine).as("%s\n%s", what, input).isEqualTo(cep);
    assertThat(run(new FunctionReference(List.of(fast), rocksDb, rocksDb ? 3 : 0), items))
        .as("FastRuleFunction: %s\n%s", what, input).isEqualTo(cep);
    if (!fast.seesEveryEvent()) {
      // What the job does for such rules: feed them only the types they name.
      assertThat(run(new FastReference(fast, true), items)).as("routed: %s\n%s", what, input)
          .isEqualTo(cep);
    }
    return cep.values().stream().mapToInt(List::size).sum();
  }

  private static Map<String, List<String>> run(StreamRunner runner,
      List<RandomStreams.Item> items) throws Exception {
    Map<String, List<String>> byCustomer = new TreeMap<>();
    int step = 0;
    try (runner) {
      for (RandomStreams.Item item : items) {
        if (item.event() != null) {
          runner.event(item.event());
          continue;
        }
        step++;
        for (String match : runner.watermark(item.watermark())) {
          // Customer and rule: one operator per rule (CEP) or one for all (the function).
          String key = match.substring(0, match.indexOf(' ', match.indexOf(':') + 2));
          byCustomer.computeIfAbsent(key, k -> new ArrayList<>())
              .add("w" + step + match.substring(key.length()));
        }
      }
    }
    return byCustomer;
  }

  /** A random stream over one starter rule's types, with its entities and channels. */
  private static List<RandomStreams.Item> starterStream(Random random, List<String> types) {
    List<RandomStreams.Item> items = RandomStreams.generate(random, types, 3, 150);
    // Spread the minutes of the generator over hours and days, so windows of 1h to 7d matter.
    List<RandomStreams.Item> out = new ArrayList<>();
    for (RandomStreams.Item item : items) {
      if (item.event() == null) {
        out.add(item.watermark() == Long.MAX_VALUE ? item
            : new RandomStreams.Item(null, stretch(item.watermark())));
        continue;
      }
      CustomerEvent e = CustomerEvent.newBuilder(item.event())
          .setOccurredAt(java.time.Instant.ofEpochMilli(
              stretch(item.event().getOccurredAt().toEpochMilli())))
          .setEntityId(item.event().getEntityId() == null ? null : "inv-" + item.event()
              .getEntityId())
          .build();
      out.add(new RandomStreams.Item(e, 0));
    }
    return out;
  }

  private static long stretch(long ts) {
    long base = RandomStreams.BASE.toEpochMilli();
    return base + (ts - base) * 60;
  }
}
