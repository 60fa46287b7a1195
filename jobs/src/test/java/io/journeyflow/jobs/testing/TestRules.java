package io.journeyflow.jobs.testing;

import io.journeyflow.patterns.RuleLoader;
import io.journeyflow.patterns.RuleSet;
import java.util.LinkedHashMap;
import java.util.Map;

/** Rule sets written inline in tests. */
public final class TestRules {

  private TestRules() {}

  public static RuleSet of(String... yamls) {
    Map<String, String> files = new LinkedHashMap<>();
    for (int i = 0; i < yamls.length; i++) {
      files.put("test-rule-" + i + ".yaml", yamls[i]);
    }
    return RuleLoader.parseAll(files);
  }
}
