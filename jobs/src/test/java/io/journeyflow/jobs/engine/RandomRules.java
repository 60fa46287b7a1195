package io.journeyflow.jobs.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded YAML rules of the shapes the fast engine claims: sequences of 1 to 4 steps over a few
 * event types, relaxed or strict, {@code times}, absences in the middle and at the end,
 * {@code within}, {@code correlateBy} and CEL conditions on attributes and earlier steps.
 */
final class RandomRules {

  static final List<String> TYPES = List.of("t.a", "t.b", "t.c", "t.d");

  private RandomRules() {}

  static String yaml(Random random, int id) {
    int count = 1 + random.nextInt(4);
    boolean correlate = random.nextInt(4) == 0;
    List<String> taken = new ArrayList<>();
    StringBuilder steps = new StringBuilder();
    boolean absence = false;
    boolean previousAbsent = false;
    for (int i = 0; i < count; i++) {
      boolean last = i == count - 1;
      boolean absent = i > 0 && !previousAbsent && random.nextInt(3) == 0;
      if (last && absent && taken.isEmpty()) {
        absent = false;
      }
      String name = "s" + i;
      steps.append("  - name: ").append(name).append('\n');
      steps.append("    eventTypes: ").append(types(random, absent)).append('\n');
      if (i > 0 && random.nextInt(3) == 0 && !(absent && last)) {
        steps.append("    contiguity: strict\n");
      }
      if (absent) {
        steps.append("    absent: true\n");
        absence = true;
      } else if (random.nextInt(4) == 0) {
        steps.append("    times: ").append(2 + random.nextInt(2)).append('\n');
      }
      String condition = condition(random, taken);
      if (condition != null) {
        steps.append("    condition: '").append(condition).append("'\n");
      }
      if (!absent) {
        taken.add(name);
      }
      previousAbsent = absent;
    }
    StringBuilder rule = new StringBuilder();
    rule.append("id: gen-").append(id).append("\nversion: 1\njourney: test\n");
    if (absence || random.nextInt(4) != 0) {
      rule.append("within: ").append(List.of("3m", "10m", "30m").get(random.nextInt(3)))
          .append('\n');
    }
    if (correlate) {
      rule.append("correlateBy: entityId\n");
    }
    rule.append("steps:\n").append(steps);
    rule.append("actions:\n  - type: ACT\n");
    return rule.toString();
  }

  /**
   * An absence gets a type of its own (the engine leaves shared ones to CEP); taking steps
   * get one type, sometimes two, so steps overlap and repeats compete.
   */
  private static String types(Random random, boolean absent) {
    if (absent) {
      return "[t.z]";
    }
    String first = TYPES.get(random.nextInt(TYPES.size()));
    if (random.nextInt(4) == 0) {
      String second = TYPES.get(random.nextInt(TYPES.size()));
      return second.equals(first) ? "[" + first + "]" : "[" + first + ", " + second + "]";
    }
    return "[" + first + "]";
  }

  private static String condition(Random random, List<String> earlier) {
    switch (random.nextInt(6)) {
      case 0:
        return "event.attributes.n >= 2";
      case 1:
        return earlier.isEmpty() ? null
            : "event.attributes.n != " + earlier.get(random.nextInt(earlier.size()))
                + ".attributes.n";
      case 2:
        return earlier.isEmpty() ? "event.entityId == \"x\""
            : "event.entityId == " + earlier.get(earlier.size() - 1) + ".entityId";
      default:
        return null;
    }
  }
}
