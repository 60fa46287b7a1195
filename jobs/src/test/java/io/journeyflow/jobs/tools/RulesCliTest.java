package io.journeyflow.jobs.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyflow.jobs.testing.MiniClusters;
import io.journeyflow.patterns.tools.EventCatalog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The pattern author's tool, command by command, on real rule directories. */
class RulesCliTest {

  private static final Path LIBRARY = Path.of("..", "patterns", "rules").toAbsolutePath()
      .normalize();
  private static final Path CATALOG = Path.of("..", "config", "event-catalog.yaml");

  @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);

  private String output() {
    return buffer.toString(StandardCharsets.UTF_8);
  }

  @Test
  void validateAcceptsTheStarterLibraryWithoutWarnings() {
    int exit = RulesCli.validate(List.of(LIBRARY), EventCatalog.load(CATALOG), out);
    assertThat(exit).isZero();
    assertThat(output()).contains("7 rule(s) checked in 1 directory: 0 error(s), 0 warning(s)");
  }

  @Test
  void validateReportsErrorsAndWarnings(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("broken.yaml"), """
        id: broken
        version: 1
        description: d
        journey: j
        within: 3 days
        steps: [{name: a, eventTypes: [a.b]}]
        actions: [{type: ACT}]
        """);
    Files.writeString(dir.resolve("never.yaml"), """
        id: cart-abandonment
        version: 2
        description: d
        journey: j
        steps: [{name: a, eventTypes: [cart.itemadded]}]
        actions: [{type: ACT}]
        """);
    int exit = RulesCli.validate(List.of(dir, LIBRARY), EventCatalog.load(CATALOG), out);
    assertThat(exit).isEqualTo(1);
    assertThat(output())
        .contains("broken.yaml:5:9: bad duration '3 days' for 'within'")
        .contains("rule 'cart-abandonment': no 'within'")
        .contains("can never match: step 'a' needs [cart.itemadded]")
        .contains("rule id 'cart-abandonment' is also used in " + dir)
        .contains("1 error(s), 3 warning(s)");
  }

  @Test
  void testRunsFixturesLikeATestRunner(@TempDir Path dir) throws Exception {
    Files.copy(LIBRARY.resolve("cart-abandonment.yaml"), dir.resolve("cart-abandonment.yaml"));
    Files.writeString(dir.resolve("cart-abandonment.test.yaml"), """
        cases:
          - name: reminder
            events:
              - {at: +0h, type: consent.changed, attributes: {purpose: marketing, granted: true}}
              - {at: +0h, type: cart.item_added, attributes: {sku: S1}}
            expect: {actions: [{type: SEND_CART_REMINDER, parameters: {sku: S1}}]}
          - name: wrong expectation
            events:
              - {at: +0h, type: consent.changed, attributes: {purpose: marketing, granted: true}}
              - {at: +0h, type: cart.item_added, attributes: {sku: S1}}
            expect: {actions: [{type: SEND_CART_REMINDER, channel: sms}]}
        """);
    int exit = RulesCli.test(dir, null, out);
    assertThat(exit).isEqualTo(1);
    assertThat(output())
        .contains("PASS cart-abandonment > reminder")
        .contains("FAIL cart-abandonment > wrong expectation")
        .contains("missing:  [{type: SEND_CART_REMINDER, channel: sms}]")
        .contains("actual:   [{type: SEND_CART_REMINDER, channel: email")
        .contains("1 passed, 1 failed");
  }

  @Test
  void backtestOnGeneratedHistoryFindsTheKnownCounts(@TempDir Path dir) throws Exception {
    Path history = dir.resolve("history.jsonl");
    HistoryGenerator.Expected expected = HistoryGenerator.write(history, 500, 3, 7L);
    Path report = dir.resolve("report.json");
    PrintStream original = System.out;
    int exit;
    try {
      System.setOut(out);
      exit = new CommandLine(new RulesCli()).execute("backtest", "--rules", LIBRARY.toString(),
          "--events", history.toString(), "--compare-with", "bundled", "--report",
          report.toString());
    } finally {
      System.setOut(original);
    }
    assertThat(exit).isZero();
    assertThat(expected.cartReminders()).isEqualTo(50);
    String table = output();
    assertThat(expected.cartBlocked()).isEqualTo(50);
    // matches, decided, sent, customers, suppressions, added, removed
    assertThat(table).containsPattern("cart-abandonment v1\\s+100\\s+100\\s+50\\s+100\\s+0\\s+0"
            + "\\s+0")
        .contains("actions by outcome {BLOCKED:NO_CONSENT=50, SENT=50}")
        .containsPattern("selfservice-to-agent v1\\s+50\\s+50\\s+50\\s+50")
        .containsPattern("trial-no-activation v1\\s+50\\s+50\\s+50\\s+50")
        .containsPattern("repeat-contact v1\\s+50\\s+50\\s+50\\s+50")
        .containsPattern("outage-inbound-contact v1\\s+0\\s+0\\s+0")
        .contains("Backtest over " + String.format("%,d", expected.events()) + " event(s)");
    assertThat(Files.readString(report)).contains("\"ruleId\" : \"cart-abandonment\"");
  }

  @Test
  void backtestReportsActionsAddedByAChangedRule(@TempDir Path dir) throws Exception {
    Path history = dir.resolve("history.jsonl");
    HistoryGenerator.write(history, 200, 2, 9L);
    Path candidate = dir.resolve("candidate");
    Files.createDirectories(candidate);
    // Two contacts instead of three: every repeat-contact customer escalates earlier.
    Files.writeString(candidate.resolve("repeat-contact.yaml"),
        Files.readString(LIBRARY.resolve("repeat-contact.yaml")).replace("times: 3", "times: 2")
            .replace("version: 1", "version: 2"));
    PrintStream original = System.out;
    try {
      System.setOut(out);
      new CommandLine(new RulesCli()).execute("backtest", "--rules", candidate.toString(),
          "--events", history.toString(), "--compare-with", LIBRARY.toString());
    } finally {
      System.setOut(original);
    }
    // 20 customers with three contacts: each now matches on contacts 1-2 (added) instead of
    // 1-2-3 (removed); the third contact starts no match of its own.
    assertThat(output())
        .containsPattern("repeat-contact v2\\s+20\\s+20\\s+20\\s+20\\s+0\\s+20\\s+20");
  }

  @Test
  void explainSaysItInWords() {
    PrintStream original = System.out;
    try {
      System.setOut(out);
      new CommandLine(new RulesCli()).execute("explain", "trial-no-activation", "--rules",
          LIBRARY.toString());
    } finally {
      System.setOut(original);
    }
    assertThat(output())
        .contains("1. account.created [step 'created']")
        .contains("2. NOT followed by feature.activated [step 'activated']")
        .contains("all within 3 days of the first event (the absence is confirmed")
        .contains("engine: the fast path when journeyflow.rules.fast-path is on");
  }
}
