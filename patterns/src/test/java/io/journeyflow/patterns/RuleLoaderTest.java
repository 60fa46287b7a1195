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

  /** The only error of {@code yaml}, checked to point at the text it blames. */
  private static RuleError only(String yaml, String pointsAt) {
    List<RuleError> errors = errors(yaml);
    assertThat(errors).hasSize(1);
    RuleError e = errors.get(0);
    assertThat(textAt(yaml, e)).as("text at " + e.line() + ":" + e.column()).startsWith(pointsAt);
    return e;
  }

  /** The file text from an error's position to the end of that line. */
  static String textAt(String yaml, RuleError e) {
    String line = yaml.lines().toList().get(e.line() - 1);
    return line.substring(e.column() - 1);
  }

  private static String replace(String text, String from, String to) {
    assertThat(text).contains(from);
    return text.replace(from, to);
  }

  @Test
  void parsesAValidRule() {
    Rule rule = RuleLoader.parse("r.yaml", VALID);
    assertThat(rule.id()).isEqualTo("sample-rule");
    assertThat(rule.version()).isEqualTo(2);
    assertThat(rule.description()).isEqualTo("A sample");
    assertThat(rule.journey()).isEqualTo("test");
    assertThat(rule.within()).isEqualTo(Duration.ofHours(48));
    assertThat(rule.sourceFile()).isEqualTo("r.yaml");
    assertThat(rule.steps()).extracting(StepSpec::name).containsExactly("failed", "adjustment");
    assertThat(rule.steps().get(1).condition().referenced()).containsExactly("event", "failed");
    assertThat(rule.actions()).extracting(ActionSpec::type, ActionSpec::priority)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("SEND_HELP", 50));
    assertThat(rule.suppress().scopes()).containsExactly("marketing");
    assertThat(rule.suppress().releaseOn()).containsExactly("billing.issue.resolved");
    assertThat(rule.suppress().maxDuration()).isEqualTo(Duration.ofDays(14));
    assertThat(rule.afterMatch()).isEqualTo(Rule.AfterMatch.SKIP_PAST_LAST_EVENT);
    assertThat(rule.correlateBy()).isNull();
  }

  @Test
  void defaultsAndAlternativeSpellings() {
    Rule rule = RuleLoader.parse("r.yaml", """
        id: minimal
        version: 1
        journey: j
        afterMatch: noSkip
        steps:
          - {name: a, eventType: x.a, condition: 'event.channel == null'}
          - {name: b, eventType: x.b, contiguity: strict, times: {from: 1, to: 2}}
          - {name: c, eventTypes: [x.c, x.d], contiguity: any, optional: true}
          - {name: d, eventTypes: [x.e], within: 1h}
        actions: [{type: ACT}]
        """.replace(", within: 1h", ""));
    assertThat(rule.description()).isEmpty();
    assertThat(rule.within()).isNull();
    assertThat(rule.afterMatch()).isEqualTo(Rule.AfterMatch.NO_SKIP);
    assertThat(rule.steps().get(0).eventTypes()).containsExactly("x.a");
    assertThat(rule.steps().get(1).contiguity()).isEqualTo(StepSpec.Contiguity.STRICT);
    assertThat(rule.steps().get(1).timesFrom()).isEqualTo(1);
    assertThat(rule.steps().get(1).timesTo()).isEqualTo(2);
    assertThat(rule.steps().get(2).eventTypes()).containsExactly("x.c", "x.d");
    assertThat(rule.steps().get(2).optional()).isTrue();
    assertThat(rule.actions().get(0).priority()).isEqualTo(ActionSpec.DEFAULT_PRIORITY);
    assertThat(rule.actions().get(0).channel()).isNull();
  }

  @Test
  void yamlSyntaxError() {
    String yaml = "id: x\nversion: 1\nsteps: [a, b\nactions: []\n";
    RuleError e = errors(yaml).get(0);
    assertThat(errors(yaml)).hasSize(1);
    assertThat(e.message()).startsWith("YAML syntax error");
    // The parser notices the unclosed list where the next key starts.
    assertThat(e.toString()).isEqualTo("r.yaml:4:8: YAML syntax error: while parsing a flow"
        + " sequence: expected ',' or ']', but got :");
  }

  @Test
  void duplicateYamlKeyIsASyntaxError() {
    RuleError e = only(replace(VALID, "journey: test\n", "journey: test\njourney: again\n"),
        "journey: again");
    assertThat(e.toString()).isEqualTo("r.yaml:5:1: duplicate key 'journey'");
  }

  @Test
  void unknownKeyWithSuggestionAndPosition() {
    String yaml = replace(VALID, "    eventTypes: [payment.failed]",
        "    evenTypes: [payment.failed]\n    eventTypes: [payment.failed]");
    RuleError e = only(yaml, "evenTypes");
    assertThat(e.toString()).isEqualTo(
        "r.yaml:8:5: unknown key 'evenTypes' in step 1 (did you mean 'eventTypes'?)");
    RuleError top = only(replace(VALID, "within: 48h", "withn: 48h"), "withn");
    assertThat(top.toString()).isEqualTo(
        "r.yaml:5:1: unknown key 'withn' in the rule (did you mean 'within'?)");
  }

  @Test
  void missingRequiredKey() {
    RuleError e = only(replace(VALID, "journey: test\n", ""), "id: sample-rule");
    assertThat(e.toString()).isEqualTo("r.yaml:1:1: missing required key 'journey' in the rule");
    RuleError stepName = only(replace(VALID, "- name: failed\n    eventTypes: [payment.failed]",
        "- eventTypes: [payment.failed]").replace(" == failed.entityId", " == \"x\"")
        .replace("${failed.entityId}", "x"), "eventTypes: [payment.failed]");
    assertThat(stepName.toString()).isEqualTo("r.yaml:7:5: missing required key 'name' in step 1");
  }

  @Test
  void wrongValueType() {
    RuleError version = only(replace(VALID, "version: 2", "version: two"), "two");
    assertThat(version.toString()).isEqualTo("r.yaml:2:10: 'version' must be a whole number,"
        + " got 'two'");
    RuleError steps = only(replace(VALID, "within: 48h", "within: [48h]"), "[48h]");
    assertThat(steps.toString()).isEqualTo("r.yaml:5:9: 'within' must be a single value, got a"
        + " list");
    RuleError bool = only(replace(VALID, "    eventTypes: [payment.failed]",
        "    eventTypes: [payment.failed]\n    optional: maybe"), "maybe");
    assertThat(bool.toString()).isEqualTo("r.yaml:9:15: 'optional' must be true or false, got"
        + " 'maybe'");
  }

  @Test
  void badDuration() {
    RuleError e = only(replace(VALID, "within: 48h", "within: 48 hours"), "48 hours");
    assertThat(e.toString()).startsWith("r.yaml:5:9: bad duration '48 hours' for 'within'");
    assertThat(e.hint()).contains("48h");
    RuleError max = only(replace(VALID, "maxDuration: 14d", "maxDuration: 0d"), "0d");
    assertThat(max.message()).isEqualTo("bad duration '0d' for 'maxDuration'");
  }

  @Test
  void badIdAndNames() {
    RuleError id = only(replace(VALID, "id: sample-rule", "id: Sample_Rule"), "Sample_Rule");
    assertThat(id.toString()).startsWith("r.yaml:1:5: bad rule id 'Sample_Rule'");
    String yaml = replace(VALID, "- name: adjustment", "- name: 2nd");
    RuleError name = errors(yaml).get(0);
    assertThat(name.toString()).startsWith("r.yaml:9:11: bad step name '2nd'");
    assertThat(textAt(yaml, name)).isEqualTo("2nd");
    RuleError reserved = only(replace(VALID, "- name: adjustment", "- name: event")
        .replace("${adjustment.channel}", "email"), "event");
    assertThat(reserved.toString()).startsWith("r.yaml:9:11: step name 'event' is reserved");
    RuleError type = only(replace(VALID, "type: SEND_HELP", "type: send"), "send");
    assertThat(type.toString()).startsWith("r.yaml:13:11: bad action type 'send'");
    RuleError eventType = only(replace(VALID, "[payment.failed]", "[Payment Failed]"),
        "[Payment Failed]");
    assertThat(eventType.toString()).startsWith("r.yaml:8:17: bad event type 'Payment Failed'");
  }

  @Test
  void celSyntaxError() {
    String yaml = replace(VALID, "condition: 'event.entityId == failed.entityId && "
        + "event.attributes.amount > 10'", "condition: 'event.entityId == == 1'");
    RuleError e = only(yaml, "== 1'");
    assertThat(e.toString()).startsWith("r.yaml:11:35: CEL syntax error: extraneous input"
        + " '=='");
  }

  @Test
  void celTypeErrorPointsIntoTheExpression() {
    String yaml = replace(VALID, "event.entityId == failed.entityId && "
        + "event.attributes.amount > 10", "event.eventType + 1 == 2");
    RuleError e = only(yaml, "+ 1");
    assertThat(e.toString()).startsWith("r.yaml:11:33: CEL type error: found no matching"
        + " overload for '_+_' applied to '(string, int)'");
  }

  @Test
  void celPositionsInsideMultiLineExpressions() {
    String literal = replace(VALID,
        "    condition: 'event.entityId == failed.entityId && event.attributes.amount > 10'",
        "    condition: |\n      event.entityId == failed.entityId &&\n        event.amount > 10");
    assertThat(only(literal, ".amount > 10").toString()).startsWith("r.yaml:13:14:");
    String folded = replace(VALID,
        "    condition: 'event.entityId == failed.entityId && event.attributes.amount > 10'",
        "    condition: >-\n      event.entityId == failed.entityId &&\n      event.amount > 10");
    assertThat(only(folded, ".amount > 10").toString()).startsWith("r.yaml:13:12:");
    String quoted = replace(VALID,
        "    condition: 'event.entityId == failed.entityId && event.attributes.amount > 10'",
        "    condition: 'event.entityId == failed.entityId &&\n      event.amount > 10'");
    assertThat(only(quoted, ".amount > 10").toString()).startsWith("r.yaml:12:12:");
  }

  @Test
  void celUnknownFieldAndNonBoolResult() {
    String field = replace(VALID, "event.attributes.amount > 10", "event.amount > 10");
    RuleError unknown = only(field, ".amount > 10");
    assertThat(unknown.toString()).startsWith("r.yaml:11:59: CEL type error:")
        .contains("undefined field 'amount'");
    String nonBool = replace(VALID, "event.entityId == failed.entityId && "
        + "event.attributes.amount > 10", "event.eventType");
    // The whole expression is at fault: the error points at its start.
    RuleError notBool = only(nonBool, "event.eventType");
    assertThat(notBool.toString()).startsWith("r.yaml:11:17: CEL type error: expected type"
        + " 'bool' but found 'string'");
    RuleError nullable = only(replace(nonBool, "event.eventType", "event.channel"),
        "event.channel");
    assertThat(nullable.message()).contains("found 'string or null'");
  }

  @Test
  void unknownStepReferenceInCelAndTemplates() {
    String misspelt = replace(VALID, "failed.entityId &&", "failure.entityId &&");
    RuleError cel = only(misspelt, "failure.entityId");
    assertThat(cel.toString()).isEqualTo("r.yaml:11:35: unknown step reference 'failure' in CEL"
        + " expression (earlier steps: [failed])");
    // A later step (or the step itself) is not bound yet: also unknown.
    String later = replace(VALID, "condition: 'event.entityId == failed.entityId",
        "condition: 'event.entityId == adjustment.entityId");
    assertThat(only(later, "adjustment.entityId").message())
        .isEqualTo("unknown step reference 'adjustment' in CEL expression");
    String template = replace(VALID, "'${failed.entityId}'", "'${faild.entityId}'");
    RuleError t = only(template, "${faild.entityId}'");
    assertThat(t.toString()).startsWith("r.yaml:15:28: unknown step reference 'faild' in"
        + " '${faild.entityId}'");
    RuleError field = only(replace(VALID, "'${failed.entityId}'", "'inv ${failed.amount}'"),
        "${failed.amount}'");
    assertThat(field.message()).startsWith("bad reference '${failed.amount}'");
    RuleError unclosed = only(replace(VALID, "'${failed.entityId}'", "'${failed.entityId'"),
        "${failed.entityId'");
    assertThat(unclosed.message()).isEqualTo("unclosed '${' in '${failed.entityId'");
  }

  @Test
  void absentStepsCannotBeReferenced() {
    String yaml = """
        id: r
        version: 1
        journey: j
        within: 1h
        steps:
          - {name: a, eventTypes: [x.a]}
          - {name: gone, eventTypes: [x.b], absent: true}
        actions: [{type: ACT, channel: '${gone.channel}'}]
        """;
    RuleError e = only(yaml, "${gone.channel}'");
    assertThat(e.toString()).startsWith("r.yaml:8:33: unknown step reference 'gone'");
  }

  @Test
  void duplicateStepName() {
    String yaml = replace(VALID, "- name: adjustment", "- name: failed")
        .replace("event.entityId == failed.entityId && ", "")
        .replace("${adjustment.channel}", "email");
    RuleError e = only(yaml, "failed");
    assertThat(e.toString()).startsWith("r.yaml:9:11: duplicate step name 'failed'");
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
  void duplicateRuleIdInADirectory(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("one.yaml"), VALID);
    Files.writeString(dir.resolve("two.yaml"), VALID);
    assertThatThrownBy(() -> RuleLoader.load(dir))
        .isInstanceOfSatisfying(RuleValidationException.class, e -> {
          RuleError error = e.errors().get(0);
          assertThat(error.file()).endsWith("two.yaml");
          assertThat(error.hint()).endsWith("one.yaml");
          assertThat(error.toString()).contains("two.yaml:1:5: duplicate rule id 'sample-rule'");
        });
  }

  /** A rule with a last step {@code a -> b}, both plain, for the absence checks. */
  static final String TWO_STEPS = """
      id: r
      version: 1
      journey: j
      within: 1h
      steps:
        - name: a
          eventTypes: [x.a]
        - name: b
          eventTypes: [x.b]
      actions: [{type: ACT}]
      """;

  @Test
  void absenceAsFirstStep() {
    String yaml = replace(TWO_STEPS, "    eventTypes: [x.a]\n",
        "    eventTypes: [x.a]\n    absent: true\n");
    RuleError e = only(yaml, "true");
    assertThat(e.toString()).startsWith("r.yaml:8:13: the first step cannot be an absence");
  }

  @Test
  void absenceWithQuantifier() {
    String yaml = replace(TWO_STEPS, "    eventTypes: [x.b]\n",
        "    eventTypes: [x.b]\n    absent: true\n    times: 2\n");
    RuleError e = only(yaml, "2");
    assertThat(e.toString()).startsWith(
        "r.yaml:11:12: an absence step cannot have times, oneOrMore or optional");
    String optional = replace(TWO_STEPS, "    eventTypes: [x.b]\n",
        "    eventTypes: [x.b]\n    absent: true\n    optional: true\n");
    assertThat(only(optional, "true").line()).isEqualTo(11);
  }

  @Test
  void absenceAtTheEndNeedsWithin() {
    String yaml = replace(TWO_STEPS, "    eventTypes: [x.b]\n",
        "    eventTypes: [x.b]\n    absent: true\n").replace("within: 1h\n", "");
    RuleError e = only(yaml, "true");
    assertThat(e.toString()).startsWith("r.yaml:9:13: an absence step at the end needs"
        + " 'within'");
    String middle = yaml.replace("actions:", "  - {name: c, eventTypes: [x.c]}\nactions:");
    assertThat(only(middle, "true").message())
        .isEqualTo("a rule with an absence step needs 'within'");
  }

  @Test
  void absenceAfterAnOptionalStepIsWhatFlinkCannotDo() {
    String yaml = replace(TWO_STEPS, "    eventTypes: [x.b]\n",
        "    eventTypes: [x.b]\n    absent: true\n").replace("steps:\n",
        "steps:\n  - {name: first, eventTypes: [x.f]}\n").replace("    eventTypes: [x.a]\n",
        "    eventTypes: [x.a]\n    optional: true\n");
    RuleError e = only(yaml, "true");
    assertThat(e.toString()).startsWith(
        "r.yaml:12:13: an absence step cannot follow an optional step");
  }

  @Test
  void quantifierCombinations() {
    String both = replace(TWO_STEPS, "    eventTypes: [x.b]\n",
        "    eventTypes: [x.b]\n    times: 2\n    oneOrMore: true\n");
    assertThat(only(both, "true").toString())
        .startsWith("r.yaml:11:16: use either times or oneOrMore, not both");
    String range = replace(TWO_STEPS, "    eventTypes: [x.b]\n",
        "    eventTypes: [x.b]\n    times: {from: 3, to: 2}\n");
    assertThat(only(range, "{from: 3").toString())
        .startsWith("r.yaml:10:12: times: from (3) is greater than to (2)");
    String zero = replace(TWO_STEPS, "    eventTypes: [x.b]\n",
        "    eventTypes: [x.b]\n    times: 0\n");
    assertThat(only(zero, "0").message()).isEqualTo("times must be at least 1, got 0");
    String unbounded = replace(TWO_STEPS, "    eventTypes: [x.b]\n",
        "    eventTypes: [x.b]\n    oneOrMore: true\n").replace("within: 1h\n", "");
    assertThat(only(unbounded, "true").toString())
        .startsWith("r.yaml:9:16: a rule with oneOrMore needs 'within'");
    String allOptional = TWO_STEPS.replace("[x.a]\n", "[x.a]\n    optional: true\n")
        .replace("[x.b]\n", "[x.b]\n    optional: true\n");
    assertThat(only(allOptional, "- name: a").toString())
        .startsWith("r.yaml:6:3: every step is optional");
    String firstContiguity = replace(TWO_STEPS, "[x.a]\n", "[x.a]\n    contiguity: strict\n");
    assertThat(only(firstContiguity, "strict").message())
        .isEqualTo("the first step has no previous step to follow");
    String absentAny = replace(TWO_STEPS, "[x.b]\n", "[x.b]\n    absent: true\n"
        + "    contiguity: any\n");
    assertThat(only(absentAny, "any").message())
        .isEqualTo("an absence step cannot use contiguity 'any'");
  }

  @Test
  void stepKeysThatConflict() {
    String both = replace(TWO_STEPS, "    eventTypes: [x.b]\n",
        "    eventTypes: [x.b]\n    eventType: x.c\n");
    assertThat(only(both, "eventType: x.c").toString())
        .startsWith("r.yaml:10:5: use either eventTypes or eventType, not both");
    String none = replace(TWO_STEPS, "eventTypes: [x.b]", "eventTypes: []");
    assertThat(only(none, "[]").message()).isEqualTo("step 'b' needs eventTypes");
    String correlated = TWO_STEPS.replace("within: 1h\n", "within: 1h\ncorrelateBy: entityId\n")
        .replace("[x.a]\n", "[x.a]\n    optional: true\n");
    assertThat(only(correlated, "true").message())
        .isEqualTo("with correlateBy the first step cannot be optional");
    String other = replace(TWO_STEPS, "within: 1h\n", "within: 1h\ncorrelateBy: customer\n");
    assertThat(only(other, "customer").message())
        .isEqualTo("correlateBy 'customer' is not supported");
    String skip = replace(TWO_STEPS, "within: 1h\n", "within: 1h\nafterMatch: skipAll\n");
    assertThat(only(skip, "skipAll").message()).isEqualTo("unknown afterMatch 'skipAll'");
  }

  @Test
  void suppressAndActionErrors() {
    RuleError noMax = only(replace(VALID, "  maxDuration: 14d\n", ""), "scopes");
    assertThat(noMax.toString()).isEqualTo(
        "r.yaml:17:3: missing required key 'maxDuration' in suppress");
    RuleError release = only(replace(VALID, "  releaseOn: [billing.issue.resolved]",
        "  releaseWhen: 'event.entityId == failed.entityId'"), "failed.entityId");
    assertThat(release.message()).isEqualTo("unknown step reference 'failed' in CEL expression");
    RuleError noScopes = only(replace(VALID, "scopes: [marketing]", "scopes: []"), "[]");
    assertThat(noScopes.message()).isEqualTo("suppress needs at least one scope");
    RuleError noActions = only(replace(VALID, """
        actions:
          - type: SEND_HELP
            channel: '${adjustment.channel}'
            parameters: {invoice: '${failed.entityId}'}
        """, "actions: []\n"), "[]");
    assertThat(noActions.message()).isEqualTo("a rule needs at least one action");
    RuleError priority = only(replace(VALID, "    channel: '${adjustment.channel}'",
        "    priority: high"), "high");
    assertThat(priority.message()).isEqualTo("'priority' must be a whole number, got 'high'");
  }

  @Test
  void noCascadeFromABrokenStep() {
    // The first step's name is fine but its type is not: references to it are still known.
    List<RuleError> errors = errors(replace(VALID, "[payment.failed]", "[Payment]"));
    assertThat(errors).extracting(RuleError::message).containsExactly("bad event type 'Payment'");
  }

  @Test
  void reportsAllErrorsOfAllFiles(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("a.yaml"), VALID.replace("within: 48h", "within: soon")
        .replace("version: 2", "version: 0"));
    Files.writeString(dir.resolve("b.yaml"), VALID.replace("id: sample-rule", "id: other")
        .replace("scopes: [marketing]", "scopez: [marketing]"));
    Files.writeString(dir.resolve("c.yaml"), "id: c\nsteps: [\n");
    Files.writeString(dir.resolve("b.test.yaml"), "not: a rule");
    Files.writeString(dir.resolve("notes.txt"), "not yaml at all: [");
    assertThatThrownBy(() -> RuleLoader.load(dir))
        .isInstanceOfSatisfying(RuleValidationException.class, e -> {
          assertThat(e.errors()).extracting(err -> Path.of(err.file()).getFileName()
                  + ":" + err.line() + " " + err.message())
              .containsExactly(
                  "a.yaml:2 'version' must be at least 1, got 0",
                  "a.yaml:5 bad duration 'soon' for 'within'",
                  "b.yaml:17 unknown key 'scopez' in suppress",
                  "b.yaml:17 missing required key 'scopes' in suppress",
                  "c.yaml:3 YAML syntax error: while parsing a flow node: expected the node"
                      + " content, but found '<stream end>'");
          assertThat(e.getMessage()).startsWith("5 rule error(s):");
        });
  }

  @Test
  void missingDirectoryIsAnError(@TempDir Path dir) {
    assertThatThrownBy(() -> RuleLoader.load(dir.resolve("nope")))
        .isInstanceOfSatisfying(RuleValidationException.class, e ->
            assertThat(e.errors().get(0).message()).isEqualTo("rule directory does not exist"));
  }

  @Test
  void bundledLibraryLoadsFromDirectoryAndClasspathAlike() throws Exception {
    RuleSet dir = RuleLoader.load(Path.of("rules"));
    RuleSet classpath = RuleLoader.loadFromClasspath();
    assertThat(dir.rules()).extracting(Rule::id).containsExactly(
        "billing-adjustment-after-failed-payment", "billing-contact-after-adjustment",
        "cart-abandonment", "outage-inbound-contact", "repeat-contact", "selfservice-to-agent",
        "trial-no-activation");
    assertThat(classpath.rules()).extracting(Rule::id)
        .containsExactlyElementsOf(dir.rules().stream().map(Rule::id).toList());
    assertThat(classpath.rule("repeat-contact").sourceFile())
        .isEqualTo("journeyflow/rules/repeat-contact.yaml");
    assertThat(classpath.rule("no-such-rule")).isNull();
    assertThat(dir.eventTypes()).contains("payment.failed", "contact.started", "order.placed")
        .doesNotContain("billing.issue.resolved");
    List<String> yaml;
    try (var files = Files.list(Path.of("rules"))) {
      yaml = files.filter(RuleLoader::isRuleFile).map(p -> p.getFileName().toString())
          .sorted().toList();
    }
    assertThat(Files.readAllLines(Path.of("rules", "index.txt")))
        .as("rules/index.txt lists every rule file").containsExactlyElementsOf(yaml);
  }

  @Test
  void starterPrioritiesPutServiceBeforeMarketing() {
    RuleSet library = RuleLoader.loadFromClasspath();
    int cart = library.rule("cart-abandonment").actions().get(0).priority();
    int trial = library.rule("trial-no-activation").actions().get(0).priority();
    for (String service : List.of("repeat-contact", "billing-contact-after-adjustment",
        "outage-inbound-contact", "selfservice-to-agent",
        "billing-adjustment-after-failed-payment")) {
      assertThat(library.rule(service).actions().get(0).priority()).as(service)
          .isGreaterThan(Math.max(cart, trial));
    }
  }

  @Test
  void durations() {
    assertThat(Durations.parse("2d12h")).isEqualTo(Duration.ofHours(60));
    assertThat(Durations.parse("90m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Durations.parse("PT48H")).isEqualTo(Duration.ofHours(48));
    assertThat(Durations.parse("P3D")).isEqualTo(Duration.ofDays(3));
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("+47h")).isEqualTo(Duration.ofHours(47));
    assertThat(Durations.parse("48")).isNull();
    assertThat(Durations.parse("h")).isNull();
    assertThat(Durations.parse("2 days")).isNull();
    assertThat(Durations.parse("PT")).isNull();
  }
}
