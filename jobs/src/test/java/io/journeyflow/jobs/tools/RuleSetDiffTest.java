package io.journeyflow.jobs.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.journeyflow.jobs.tools.RuleSetDiff.Entry;
import io.journeyflow.jobs.tools.RuleSetDiff.Kind;
import io.journeyflow.patterns.RuleValidationException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The rule-set comparison that decides whether a job may restart from its savepoint. */
class RuleSetDiffTest {

  private static final Path LIBRARY = Path.of("..", "patterns", "rules").toAbsolutePath()
      .normalize();

  @TempDir Path oldDir;
  @TempDir Path newDir;

  @BeforeEach
  void bothHoldTheStarterLibrary() throws IOException {
    copyLibrary(oldDir);
    copyLibrary(newDir);
  }

  @Test
  void theSameRulesAreUnchanged() {
    RuleSetDiff diff = RuleSetDiff.of(oldDir, newDir);
    assertThat(diff.entries()).hasSize(7).allMatch(e -> e.kind() == Kind.UNCHANGED);
    assertThat(diff.refused(false)).isFalse();
    assertThat(diff.dropsState()).isFalse();
    assertThat(print(diff, false)).isEqualTo(
        "ok: 0 added, 0 removed, 0 with a new version, 0 changed without version bump,"
            + " 7 unchanged\n");
  }

  @Test
  void formattingCommentsKeyOrderAndDescriptionDoNotCount() throws IOException {
    Files.writeString(newDir.resolve("repeat-contact.yaml"), """
        # Escalate after three contacts.
        version: 1
        id: "repeat-contact"
        description: Reworded.
        journey: service
        within: 7d
        steps: [{name: contact, eventTypes: ["contact.started"], times: 3}]
        actions:
          - type: ESCALATE_CASE
            priority: 95
            parameters: {reason: repeat-contact, lastChannel: '${contact.channel}'}
        """);
    RuleSetDiff diff = RuleSetDiff.of(oldDir, newDir);
    assertThat(entry(diff, "repeat-contact").kind()).isEqualTo(Kind.UNCHANGED);
    assertThat(diff.refused(false)).isFalse();
  }

  @Test
  void anAddedRuleIsOkAndKeepsEveryOtherRulesState() throws IOException {
    Files.writeString(newDir.resolve("plan-downgrade.yaml"), rule("plan-downgrade", 1,
        "subscription.downgraded"));
    RuleSetDiff diff = RuleSetDiff.of(oldDir, newDir);
    assertThat(entry(diff, "plan-downgrade")).isEqualTo(
        new Entry("plan-downgrade", Kind.ADDED, null, 1, List.of()));
    assertThat(diff.entries(Kind.UNCHANGED)).hasSize(7);
    assertThat(diff.refused(false)).isFalse();
    assertThat(diff.dropsState()).isFalse();
    assertThat(print(diff, false)).startsWith(
        "added: plan-downgrade v1 (new operator rule-plan-downgrade-v1, starts empty)\n"
            + "ok: 1 added");
  }

  @Test
  void aRemovedRuleNeedsExplicitPermission() throws IOException {
    Files.delete(newDir.resolve("cart-abandonment.yaml"));
    RuleSetDiff diff = RuleSetDiff.of(oldDir, newDir);
    assertThat(entry(diff, "cart-abandonment").kind()).isEqualTo(Kind.REMOVED);
    assertThat(diff.refused(false)).isTrue();
    assertThat(diff.refused(true)).isFalse();
    assertThat(diff.dropsState()).isTrue();
    assertThat(print(diff, false))
        .contains("removed: cart-abandonment v1 (its partial matches in operator"
            + " rule-cart-abandonment-v1 are dropped; allow with --allow-removed-rules)")
        .contains("refused: 0 added, 1 removed");
    assertThat(print(diff, true)).contains("ok: 0 added, 1 removed")
        .contains("(restart with --allowNonRestoredState)");
  }

  @Test
  void aChangedPatternWithoutVersionBumpIsRefused() throws IOException {
    Path file = newDir.resolve("cart-abandonment.yaml");
    Files.writeString(file, Files.readString(file).replace("within: 1h", "within: 2h"));
    RuleSetDiff diff = RuleSetDiff.of(oldDir, newDir);
    assertThat(entry(diff, "cart-abandonment")).isEqualTo(new Entry("cart-abandonment",
        Kind.CHANGED_WITHOUT_VERSION_BUMP, 1, 1, List.of("within")));
    assertThat(diff.refused(false)).isTrue();
    assertThat(diff.refused(true)).isTrue();
    assertThat(print(diff, true))
        .contains("changed without version bump: cart-abandonment v1, changed within: REFUSED.")
        .contains("Bump 'version' (to 2)")
        .contains("refused: 0 added, 0 removed, 0 with a new version, 1 changed without"
            + " version bump, 6 unchanged");
  }

  @Test
  void aChangedActionWithoutVersionBumpIsRefusedToo() throws IOException {
    Path file = newDir.resolve("repeat-contact.yaml");
    Files.writeString(file, Files.readString(file).replace("priority: 95", "priority: 90"));
    RuleSetDiff diff = RuleSetDiff.of(oldDir, newDir);
    assertThat(entry(diff, "repeat-contact").kind())
        .isEqualTo(Kind.CHANGED_WITHOUT_VERSION_BUMP);
    assertThat(entry(diff, "repeat-contact").changedKeys()).containsExactly("actions");
  }

  @Test
  void aChangedPatternWithANewVersionStartsFresh() throws IOException {
    Path file = newDir.resolve("cart-abandonment.yaml");
    Files.writeString(file, Files.readString(file).replace("within: 1h", "within: 2h")
        .replace("version: 1", "version: 2"));
    RuleSetDiff diff = RuleSetDiff.of(oldDir, newDir);
    assertThat(entry(diff, "cart-abandonment")).isEqualTo(
        new Entry("cart-abandonment", Kind.NEW_VERSION, 1, 2, List.of("within")));
    assertThat(diff.refused(false)).isFalse();
    assertThat(diff.dropsState()).isTrue();
    assertThat(print(diff, false)).contains("changed with new version: cart-abandonment v1 -> v2,"
        + " changed within (operator rule-cart-abandonment-v2 starts with fresh partial"
        + " matches; rule-cart-abandonment-v1 is dropped)");
  }

  @Test
  void anInvalidRuleDirectoryIsAnError() throws IOException {
    Files.writeString(newDir.resolve("broken.yaml"), "id: broken\nversion: one\n");
    assertThatThrownBy(() -> RuleSetDiff.of(oldDir, newDir))
        .isInstanceOf(RuleValidationException.class);
  }

  @Test
  void theDiffCommandExitsOneWhenRefusedAndTwoForInvalidRules() throws IOException {
    assertThat(diffCommand()).isZero();
    Path file = newDir.resolve("cart-abandonment.yaml");
    Files.writeString(file, Files.readString(file).replace("within: 1h", "within: 2h"));
    assertThat(diffCommand()).isEqualTo(1);
    Files.writeString(file, Files.readString(file).replace("version: 1", "version: 2"));
    assertThat(diffCommand()).isZero();
    Files.delete(newDir.resolve("repeat-contact.yaml"));
    assertThat(diffCommand()).isEqualTo(1);
    assertThat(diffCommand("--allow-removed")).isZero();
    Files.writeString(newDir.resolve("broken.yaml"), "id: broken\n");
    assertThat(diffCommand()).isEqualTo(2);
  }

  private int diffCommand(String... options) {
    List<String> args = new java.util.ArrayList<>(List.of("diff", oldDir.toString(),
        newDir.toString()));
    args.addAll(List.of(options));
    PrintStream saved = System.out;
    System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    try {
      return new CommandLine(new RulesCli()).execute(args.toArray(String[]::new));
    } finally {
      System.setOut(saved);
    }
  }

  private static Entry entry(RuleSetDiff diff, String id) {
    return diff.entries().stream().filter(e -> e.id().equals(id)).findFirst().orElseThrow();
  }

  private static String print(RuleSetDiff diff, boolean allowRemoved) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    diff.print(new PrintStream(buffer, true, StandardCharsets.UTF_8), allowRemoved);
    return buffer.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
  }

  private static String rule(String id, int version, String eventType) {
    return """
        id: %s
        version: %d
        description: test rule
        journey: test
        within: 1h
        steps:
          - name: first
            eventTypes: [%s]
        actions:
          - type: SEND_NOTE
            priority: 10
        """.formatted(id, version, eventType);
  }

  private static void copyLibrary(Path dir) throws IOException {
    try (var files = Files.list(LIBRARY)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")
          && !p.toString().endsWith(".test.yaml")).toList()) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
  }
}
