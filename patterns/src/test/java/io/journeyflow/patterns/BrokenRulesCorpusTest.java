package io.journeyflow.patterns;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file of the broken-rule corpus ({@code src/test/resources/broken}) must be rejected
 * with the message its first line announces ({@code # expect: [line:col: ]message}).
 */
class BrokenRulesCorpusTest {

  static Stream<Path> corpus() throws Exception {
    return Files.list(Path.of("src/test/resources/broken")).sorted();
  }

  @ParameterizedTest
  @MethodSource("corpus")
  void rejectedWithItsExpectedMessage(Path file) throws Exception {
    String text = Files.readString(file);
    String expected = text.lines().findFirst().orElseThrow().replace("# expect: ", "").trim();
    List<String> errors;
    try {
      RuleLoader.parse(file.getFileName().toString(), text);
      throw new AssertionError(file + " was accepted");
    } catch (RuleValidationException e) {
      errors = e.errors().stream().map(RuleError::toString).toList();
    }
    assertThat(errors).as(file.toString()).anySatisfy(
        error -> assertThat(error).contains(expected));
    // Errors point into the file: never before line 1 or past its end.
    int lines = (int) text.lines().count();
    assertThat(errors).allSatisfy(error -> {
      String[] parts = error.split(":");
      int line = Integer.parseInt(parts[1]);
      assertThat(line).isBetween(1, lines + 1);
    });
  }
}
