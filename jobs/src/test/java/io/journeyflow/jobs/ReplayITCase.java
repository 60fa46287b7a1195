package io.journeyflow.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The replay command over the example stories (out of order, with bad lines and a duplicate):
 * every starter rule fires once, and every bad line is a dead letter naming file and line.
 */
class ReplayITCase {

  private static final Path STORIES =
      Path.of("..", "docs", "examples", "starter-stories.jsonl").toAbsolutePath().normalize();
  private static final Path IDENTITY_STORY =
      Path.of("..", "docs", "examples", "identity-story.jsonl").toAbsolutePath().normalize();
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void replayWritesTheExpectedFilesForTheStarterRules(@TempDir Path out) throws Exception {
    int exit =
        new CommandLine(new ReplayMain())
            .execute("--events", STORIES.toString(), "--out", out.toString());
    assertThat(exit).isZero();

    List<JsonNode> actions = read(out.resolve("actions.jsonl"));
    assertThat(actions).extracting(a -> a.get("ruleId").asText() + " " + a.get("customerId")
            .asText() + " " + a.get("actionType").asText() + " " + a.get("channel").asText())
        .containsExactlyInAnyOrder(
            "billing-adjustment-after-failed-payment ann SEND_HELP_CONTENT email",
            "billing-contact-after-adjustment ann ROUTE_WITH_CONTEXT chat",
            "outage-inbound-contact bob PROACTIVE_STATUS_UPDATE voice",
            "cart-abandonment email:cho@example.com SEND_CART_REMINDER email",
            "trial-no-activation accountId:acc-9 SEND_ONBOARDING_TIP email",
            "repeat-contact eve ESCALATE_CASE null",
            "selfservice-to-agent fay ROUTE_WITH_CONTEXT chat");
    JsonNode route = actions.stream()
        .filter(a -> a.get("ruleId").asText().equals("selfservice-to-agent")).findFirst().get();
    assertThat(route.get("parameters").get("queue").asText()).isEqualTo("change-plan");
    // Absence rules decide at the end of their window, in event time.
    assertThat(actions).filteredOn(a -> a.get("ruleId").asText().equals("cart-abandonment"))
        .extracting(a -> a.get("decidedAt").asText()).containsExactly("2026-11-02T14:00:00Z");
    assertThat(actions).filteredOn(a -> a.get("ruleId").asText().equals("trial-no-activation"))
        .extracting(a -> a.get("decidedAt").asText()).containsExactly("2026-11-04T08:00:00Z");

    // Ann's routing carries what she went through: her channels and her open journeys.
    JsonNode annRoute = actions.stream()
        .filter(a -> a.get("ruleId").asText().equals("billing-contact-after-adjustment"))
        .findFirst().get();
    assertThat(annRoute.get("context").get("channelsTouched").toString())
        .isEqualTo("[\"chat\"]");
    JsonNode escalation = actions.stream()
        .filter(a -> a.get("ruleId").asText().equals("repeat-contact")).findFirst().get();
    assertThat(escalation.get("context").get("contactsLast7Days").asInt()).isEqualTo(3);
    JsonNode help = actions.stream()
        .filter(a -> a.get("actionType").asText().equals("SEND_HELP_CONTENT")).findFirst().get();
    JsonNode open = help.get("context").get("openJourneys").get(0);
    assertThat(open.get("ruleId").asText()).isEqualTo("billing-contact-after-adjustment");
    assertThat(open.get("stage").asText()).isEqualTo("adjustment");
    // One decision per candidate: Hal never consented to marketing, so his reminder is blocked.
    List<JsonNode> decisions = read(out.resolve("decisions.jsonl"));
    assertThat(decisions).hasSize(8);
    assertThat(decisions).filteredOn(d -> d.get("outcome").asText().equals("SENT")).hasSize(7);
    JsonNode blocked = decisions.stream()
        .filter(d -> d.get("outcome").asText().equals("BLOCKED")).findFirst().get();
    assertThat(blocked.get("customerId").asText()).isEqualTo("hal");
    assertThat(blocked.get("reason").asText()).isEqualTo("NO_CONSENT");
    assertThat(blocked.get("explanation").asText()).contains("no channel has consent");
    assertThat(blocked.get("policyVersion").asText()).isNotBlank();

    List<JsonNode> signals = read(out.resolve("suppressions.jsonl"));
    assertThat(signals).extracting(s -> s.get("customerId").asText() + " "
            + s.get("state").asText() + " " + s.get("at").asText())
        .containsExactly(
            "ann SUPPRESS 2026-11-02T11:00:00Z",
            "bob SUPPRESS 2026-11-02T12:00:00Z",
            "ann RELEASE 2026-11-02T15:00:00Z",
            // Bob's outage is never reported restored: released at the maximum duration.
            "bob RELEASE 2026-11-05T12:00:00Z");

    List<JsonNode> dead = read(out.resolve("dead-letters.jsonl"));
    assertThat(dead).extracting(d -> d.get("stage").asText() + " " + d.get("origin").get("line")
            .asText())
        .containsExactlyInAnyOrder("validate 17", "decode 19", "identity null");
    assertThat(dead).allSatisfy(d -> assertThat(d.get("error").asText()).isNotBlank());
  }

  /**
   * docs/examples/identity-story.jsonl with identity resolution: without a loop topic the
   * identity graph and the journeys deliver their loop records in place, so the replay shows
   * the identity story and is deterministic.
   */
  @Test
  void replayResolvesIdentitiesAndMovesJourneyStateWithEachMerge(@TempDir Path out,
      @TempDir Path again) throws Exception {
    String[] args = {"--events", IDENTITY_STORY.toString(), "--out", out.toString(),
        "-D", "journeyflow.identity.resolution=true"};
    assertThat(new CommandLine(new ReplayMain()).execute(args)).isZero();

    // Fay: a web visitor, a billing account and a chat contact, linked only by a login.
    List<JsonNode> actions = read(out.resolve("actions.jsonl"));
    JsonNode route = actions.stream()
        .filter(a -> a.get("ruleId").asText().equals("billing-contact-after-adjustment"))
        .filter(a -> a.get("customerId").asText().equals("accountId:A-2001"))
        .findFirst().get();
    assertThat(route.get("triggeringEvents")).extracting(e -> e.get("eventId").asText())
        .containsExactly("f-2", "f-3", "f-5");
    // The device's page view came over with the merge into the account's context.
    assertThat(route.get("context").get("recentEvents")).extracting(e -> e.get("eventId")
        .asText()).containsExactly("f-1", "f-2", "f-3", "f-4", "f-5");
    assertThat(actions).hasSize(5);

    // Ida: her account's failed payment and adjustment, then a login names her customer id and
    // her chat comes under it. The partial match begun under the account completes with the
    // chat (a copy of it, evaluated under the absorbed account) and is decided for her.
    JsonNode idaRoute = actions.stream()
        .filter(a -> a.get("customerId").asText().equals("ida")).findFirst().get();
    assertThat(idaRoute.get("ruleId").asText()).isEqualTo("billing-contact-after-adjustment");
    assertThat(idaRoute.get("triggeringEvents")).extracting(e -> e.get("eventId").asText())
        .containsExactly("i-1", "i-2", "i-4");
    assertThat(idaRoute.get("parameters").get("invoice").asText()).isEqualTo("inv-51");

    // Gus: the suppression opened under his account is released under his customer id.
    assertThat(read(out.resolve("suppressions.jsonl"))).extracting(s -> s.get("customerId")
            .asText() + " " + s.get("state").asText() + " " + s.get("at").asText())
        .contains("accountId:A-3001 SUPPRESS 2026-11-03T10:30:00Z",
            "gus RELEASE 2026-11-03T13:00:00Z");

    assertThat(read(out.resolve("identity.jsonl")))
        .extracting(m -> m.get("absorbedId").asText() + " -> " + m.get("survivingId").asText())
        .containsExactlyInAnyOrder(
            "deviceId:family-tablet -> accountId:A-4001",
            "accountId:A-3001 -> gus",
            "accountId:A-5001 -> ida",
            "email:fay@example.com -> accountId:A-2001",
            "deviceId:fay-phone -> accountId:A-2001");
    // A family tablet used by two accounts joins neither to the other: one conflict record.
    assertThat(read(out.resolve("identity-conflicts.jsonl")))
        .extracting(c -> c.get("identifier").asText() + " kept " + c.get("keptWith").asText()
            + " refused " + c.get("refused").asText())
        .containsExactly(
            "deviceId:family-tablet kept accountId:A-4001 refused accountId:A-4002");

    // Loop records delivered in place, at once: the same input gives the same files.
    args[3] = again.toString();
    assertThat(new CommandLine(new ReplayMain()).execute(args)).isZero();
    for (String file : List.of("actions.jsonl", "decisions.jsonl", "suppressions.jsonl",
        "identity.jsonl", "identity-conflicts.jsonl", "journey-metrics.jsonl")) {
      assertThat(again.resolve(file)).hasSameTextualContentAs(out.resolve(file));
    }
  }

  private static List<JsonNode> read(Path file) throws Exception {
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      nodes.add(JSON.readTree(line));
    }
    return nodes;
  }
}
