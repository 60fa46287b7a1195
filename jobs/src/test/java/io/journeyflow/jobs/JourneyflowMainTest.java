package io.journeyflow.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The job refuses to start with an invalid rule and lists every error. */
class JourneyflowMainTest {

  @Test
  void invalidRulesStopTheJobBeforeItStarts(@TempDir Path rules) throws Exception {
    Files.writeString(rules.resolve("bad.yaml"), """
        id: bad
        version: 1
        description: d
        journey: j
        within: soon
        steps:
          - {name: a, eventTypes: [x.a], condition: 'event.nope == 1'}
        actions: [{type: ACT}]
        """);
    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      exit = new CommandLine(new JourneyflowMain()).execute("--rules", rules.toString());
    } finally {
      System.setErr(original);
    }
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("bad.yaml:5:9: bad duration 'soon' for 'within'")
        .contains("bad.yaml:7:51: CEL type error: undefined field 'nope'")
        .contains("2 rule error(s)");
  }
}
