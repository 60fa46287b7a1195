package io.journeyflow.patterns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loader and validator: every error kind with its message and position. */
class RuleLoaderTest {

  static final String VALID =
      """
      id: sample-rule
      version: 2
      description: A sample
      journey: test
      within: 48h
      steps:
        - name: failed
          eventTypes: [payment.failed]
        - name: adjustment
          eventTypes: [billing.adjustment.posted]
          condition: 'event.entityId == failed.entityId && event.attributes.amount > 10'
      actions:
        - type: SEND_HELP
          channel: '${adjustment.channel}'
          parameters: {invoice: '${failed.entityId}'}
      suppress:
        scopes: [marketing]
        releaseOn: [billing.issue.resolved]
        maxDuration: 14d
      """;

  private static List<RuleError> errors(String yaml) {
    try {
      RuleLoader.parse("r.yaml", yaml);
    } catch (RuleValidationException e) {
      return e.errors();
    }
    throw new AssertionError("expected validation errors");
  }

  private static RuleError only(String yaml) {
    List<RuleError> errors = errors(yaml);
    assertThat(errors).hasSize(1);
    return errors.get(0);
  }

  @Test
  void parsesAValidRule() {
    Rule rule = RuleLoader.parse("r.yaml", VALID);
    assertThat(rule.id()).isEqualTo("sample-rule");
    assertThat(rule.version()).isEqualTo(2);
    assertThat(rule.within()).isEqualTo(Duration.ofHours(48));
    assertThat(rule.steps()).extracting(StepSpec::name).containsExactly("failed", "adjustment");
    assertThat(rule.suppress().maxDuration()).isEqualTo(Duration.ofDays(14));
    assertThat(rule.afterMatch()).isEqualTo(Rule.AfterMatch.SKIP_PAST_LAST_EVENT);
  }

  @Test
  void yamlSyntaxError() {
    RuleError e = only("id: x\nsteps: [a, b\n");
    assertThat(e.message()).startsWith("YAML syntax error");
    assertThat(e.line()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void unknownKeyWithSuggestionAndPosition() {
    RuleError e = only(VALID.replace("    eventTypes: [payment.failed]",
        "    evenTypes: [payment.failed]\n    eventTypes: [payment.failed]"));
    assertThat(e.toString()).isEqualTo(
        "r.yaml:8:5: unknown key 'evenTypes' in step 1 (did you mean 'eventTypes'?)");
  }

  @Test
  void missingRequiredKey() {
    RuleError e = only(VALID.replace("journey: test\n", ""));
    assertThat(e.message()).isEqualTo("missing required key 'journey' in the rule");
    assertThat(e.line()).isEqualTo(1);
  }

  @Test
  void wrongValueType() {
    RuleError e = only(VALID.replace("version: 2", "version: two"));
    assertThat(e.message()).contains("'version' must be a whole number");
    assertThat(e.line()).isEqualTo(2);
    assertThat(e.column()).isEqualTo(10);
  }

  @Test
  void badDuration() {
    RuleError e = only(VALID.replace("within: 48h", "within: 48 hours"));
    assertThat(e.message()).isEqualTo("bad duration '48 hours' for 'within'");
    assertThat(e.hint()).contains("48h");
    assertThat(e.line()).isEqualTo(5);
  }

  @Test
  void badIdAndNames() {
    List<RuleError> errors = errors(VALID.replace("id: sample-rule", "id: Sample_Rule")
        .replace("- name: failed", "- name: 1failed").replace("type: SEND_HELP", "type: send"));
    assertThat(errors).extracting(RuleError::message).contains(
        "bad rule id 'Sample_Rule'", "bad step name '1failed'", "bad action type 'send'");
  }

  @Test
  void celSyntaxError() {
    RuleError e = only(VALID.replace("condition: 'event.entityId == failed.entityId && "
        + "event.attributes.amount > 10'", "condition: 'event.entityId =='"));
    assertThat(e.message()).startsWith("CEL syntax error");
    assertThat(e.line()).isEqualTo(11);
  }

  @Test
  void celTypeErrorPointsIntoTheExpression() {
    RuleError e = only(VALID.replace("event.entityId == failed.entityId && "
        + "event.attributes.amount > 10", "event.eventType + 1 == 2"));
    assertThat(e.message()).startsWith("CEL type error")
        .contains("no matching overload for '_+_'");
    assertThat(e.line()).isEqualTo(11);
    assertThat(e.column()).isEqualTo(33);
  }

  @Test
  void celUnknownFieldAndNonBoolResult() {
    assertThat(only(VALID.replace("event.attributes.amount > 10", "event.amount > 10"))
        .message()).contains("undefined field 'amount'");
    assertThat(only(VALID.replace("event.entityId == failed.entityId && "
        + "event.attributes.amount > 10", "event.channel")).message())
        .contains("expected type 'bool'");
  }

  @Test
  void unknownStepReferenceInCelAndTemplates() {
    RuleError cel = only(VALID.replace("failed.entityId &&", "failure.entityId &&"));
    assertThat(cel.message()).isEqualTo("unknown step reference 'failure' in CEL expression");
    assertThat(cel.hint()).contains("[failed]");
    RuleError later = only(VALID.replace("condition: 'event.entityId == failed.entityId",
        "condition: 'event.entityId == adjustment.entityId"));
    assertThat(later.message()).contains("unknown step reference 'adjustment'");
    RuleError template = only(VALID.replace("'${failed.entityId}'", "'${faild.entityId}'"));
    assertThat(template.message()).startsWith("unknown step reference 'faild'");
    assertThat(template.line()).isEqualTo(15);
    RuleError field = only(VALID.replace("'${failed.entityId}'", "'${failed.amount}'"));
    assertThat(field.message()).startsWith("bad reference '${failed.amount}'");
  }

  @Test
  void duplicateStepName() {
    RuleError e = only(VALID.replace("- name: adjustment", "- name: failed")
        .replace("event.entityId == failed.entityId && ", "").replace("${adjustment.channel}", "email"));
    assertThat(e.message()).isEqualTo("duplicate step name 'failed'");
    assertThat(e.line()).isEqualTo(9);
  }

  @Test
  void duplicateRuleIdAcrossFilesNamesBoth() {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("a.yaml", VALID);
    files.put("b.yaml", VALID);
    assertThatThrownBy(() -> RuleLoader.parseAll(files))
        .isInstanceOfSatisfying(RuleValidationException.class, e -> {
          assertThat(e.errors()).hasSize(1);
          assertThat(e.errors().get(0).toString())
              .isEqualTo("b.yaml:1:5: duplicate rule id 'sample-rule' (also defined in a.yaml)");
        });
  }

  @Test
  void absenceRules() {
    String absentFirst = VALID.replace("    eventTypes: [payment.failed]",
        "    eventTypes: [payment.failed]\n    absent: true");
    assertThat(errors(absentFirst)).extracting(RuleError::message)
        .contains("the first step cannot be an absence");
    String absentLastNoWithin = VALID.replace("within: 48h\n", "")
        .replace("    condition: 'event.entityId == failed.entityId && event.attributes.amount"
            + " > 10'", "    absent: true")
        .replace("'${adjustment.channel}'", "email");
    assertThat(only(absentLastNoWithin).message())
        .isEqualTo("an absence step at the end needs 'within'");
    String quantifiedAbsence = absentLastNoWithin.replace("absent: true",
        "absent: true\n    times: 2").replace("steps:", "within: 1h\nsteps:");
    assertThat(only(quantifiedAbsence).message())
        .isEqualTo("an absence step cannot have times, oneOrMore or optional");
  }

  @Test
  void quantifierCombinations() {
    String both = VALID.replace("    eventTypes: [billing.adjustment.posted]",
        "    eventTypes: [billing.adjustment.posted]\n    times: 2\n    oneOrMore: true");
    assertThat(errors(both)).extracting(RuleError::message)
        .contains("use either times or oneOrMore, not both");
    String range = VALID.replace("    eventTypes: [billing.adjustment.posted]",
        "    eventTypes: [billing.adjustment.posted]\n    times: {from: 3, to: 2}");
    assertThat(only(range).message()).contains("from (3) is greater than to (2)");
    String unbounded = VALID.replace("within: 48h\n", "").replace(
        "    eventTypes: [billing.adjustment.posted]",
        "    eventTypes: [billing.adjustment.posted]\n    oneOrMore: true");
    assertThat(only(unbounded).message()).isEqualTo("a rule with oneOrMore needs 'within'");
  }

  @Test
  void reportsAllErrorsOfAllFiles(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("a.yaml"), VALID.replace("within: 48h", "within: soon")
        .replace("version: 2", "version: 0"));
    Files.writeString(dir.resolve("b.yaml"), VALID.replace("id: sample-rule", "id: other")
        .replace("scopes: [marketing]", "scopez: [marketing]"));
    Files.writeString(dir.resolve("b.test.yaml"), "not: a rule");
    assertThatThrownBy(() -> RuleLoader.load(dir))
        .isInstanceOfSatisfying(RuleValidationException.class, e ->
            assertThat(e.errors()).extracting(err -> Path.of(err.file()).getFileName()
                    + ":" + err.line() + " " + err.message())
                .containsExactly(
                    "a.yaml:2 'version' must be at least 1, got 0",
                    "a.yaml:5 bad duration 'soon' for 'within'",
                    "b.yaml:17 unknown key 'scopez' in suppress",
                    "b.yaml:17 missing required key 'scopes' in suppress"));
  }

  @Test
  void bundledLibraryLoadsFromDirectoryAndClasspathAlike() throws Exception {
    RuleSet dir = RuleLoader.load(Path.of("rules"));
    RuleSet classpath = RuleLoader.loadFromClasspath();
    assertThat(dir.rules()).hasSize(7);
    assertThat(classpath.rules()).extracting(Rule::id)
        .containsExactlyElementsOf(dir.rules().stream().map(Rule::id).toList());
    List<String> yaml;
    try (var files = Files.list(Path.of("rules"))) {
      yaml = files.filter(RuleLoader::isRuleFile).map(p -> p.getFileName().toString())
          .sorted().toList();
    }
    assertThat(Files.readAllLines(Path.of("rules", "index.txt")))
        .as("rules/index.txt lists every rule file").containsExactlyElementsOf(yaml);
  }

  @Test
  void durations() {
    assertThat(Durations.parse("2d12h")).isEqualTo(Duration.ofHours(60));
    assertThat(Durations.parse("90m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("PT48H")).isEqualTo(Duration.ofHours(48));
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("48")).isNull();
    assertThat(Durations.parse("h")).isNull();
  }
}
