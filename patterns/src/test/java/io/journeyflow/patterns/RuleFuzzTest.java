package io.journeyflow.patterns;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random mutations of valid rules never crash the loader: each either loads or is rejected with
 * clean, positioned errors.
 */
class RuleFuzzTest {

  private static final String[] TOKENS = {
    ":", "-", "[", "]", "{", "}", "'", "\"", "#", "&", "*", "!", "|", ">", "\t", "  ", "\n",
    "${", "}", "null", "~", "true", "0", "-1", "99999999999", "event.", "&&", "((", "within: ",
    "absent: true", "times: 0", "steps:", "- name: x", "\u00e9", "\\", "%", "@"
  };

  @Test
  void mutatedRulesLoadOrFailCleanly() throws Exception {
    List<String> seeds = new ArrayList<>();
    try (var files = Files.list(Path.of("rules"))) {
      for (Path p : files.filter(RuleLoader::isRuleFile).sorted().toList()) {
        seeds.add(Files.readString(p));
      }
    }
    Random random = new Random(20261124L);
    int loaded = 0;
    int rejected = 0;
    for (int i = 0; i < 3000; i++) {
      String text = mutate(seeds.get(random.nextInt(seeds.size())), random);
      try {
        RuleLoader.parse("fuzz-" + i + ".yaml", text);
        loaded++;
      } catch (RuleValidationException e) {
        rejected++;
        assertThat(e.errors()).isNotEmpty().allSatisfy(err -> {
          assertThat(err.line()).isPositive();
          assertThat(err.column()).isPositive();
          assertThat(err.message()).isNotBlank();
        });
      } catch (RuntimeException | StackOverflowError e) {
        throw new AssertionError("loader crashed on mutation " + i + ":\n" + text, e);
      }
    }
    assertThat(rejected).isGreaterThan(100);
    assertThat(loaded + rejected).isEqualTo(3000);
  }

  static String mutate(String text, Random random) {
    StringBuilder s = new StringBuilder(text);
    int edits = 1 + random.nextInt(4);
    for (int e = 0; e < edits && s.length() > 0; e++) {
      int at = random.nextInt(s.length());
      switch (random.nextInt(5)) {
        case 0 -> s.deleteCharAt(at);
        case 1 -> s.insert(at, TOKENS[random.nextInt(TOKENS.length)]);
        case 2 -> s.setCharAt(at, (char) (32 + random.nextInt(95)));
        case 3 -> {
          int end = Math.min(s.length(), at + 1 + random.nextInt(30));
          s.delete(at, end);
        }
        default -> {
          String[] lines = s.toString().split("\n", -1);
          int a = random.nextInt(lines.length);
          int b = random.nextInt(lines.length);
          String tmp = lines[a];
          lines[a] = lines[b];
          lines[b] = tmp;
          s = new StringBuilder(String.join("\n", lines));
        }
      }
    }
    return s.toString();
  }
}
