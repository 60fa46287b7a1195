package io.journeyflow.patterns.tools;

import io.journeyflow.patterns.ActionSpec;
import io.journeyflow.patterns.Rule;
import io.journeyflow.patterns.StepSpec;
import io.journeyflow.patterns.SuppressSpec;
import io.journeyflow.patterns.engine.FastRuleSupport;
import java.time.Duration;
import java.util.List;

/** A compiled rule in plain words, for authors and reviewers. */
public final class RuleExplainer {

  private RuleExplainer() {}

  public static String explain(Rule rule) {
    StringBuilder out = new StringBuilder();
    out.append("Rule ").append(rule.id()).append(" v").append(rule.version())
        .append(" (journey ").append(rule.journey()).append(")\n");
    out.append("  ").append(rule.description()).append("\n\n");
    out.append("Matches, for one customer, in event time:\n");
    List<StepSpec> steps = rule.steps();
    for (int i = 0; i < steps.size(); i++) {
      out.append("  ").append(i + 1).append(". ").append(step(steps.get(i), i, rule))
          .append('\n');
    }
    out.append(rule.within() == null
        ? "  with no time limit (partial matches are kept until they complete)\n"
        : "  all within " + words(rule.within()) + " of the first event"
            + (steps.get(steps.size() - 1).absent()
                ? " (the absence is confirmed when that time has passed)" : "") + "\n");
    out.append("  after a match: ").append(switch (rule.afterMatch()) {
      case NO_SKIP -> "every combination of events matches (no skipping)";
      case SKIP_TO_NEXT -> "the next match starts after this match's first event";
      default -> "events of this match start no further match";
    }).append('\n');
    out.append("  engine: ").append(FastRuleSupport.unsupported(rule)
        .map(why -> "Flink CEP (the fast path leaves it to CEP: " + why + ")")
        .orElse("the fast path when journeyflow.rules.fast-path is on, else Flink CEP"))
        .append('\n');
    out.append("\nThen emits:\n");
    for (ActionSpec a : rule.actions()) {
      out.append("  - ").append(a.type()).append(" (").append(a.purpose()).append("), priority ")
          .append(a.priority());
      if (a.channel() != null) {
        out.append(", channel ").append(a.channel().text());
      }
      if (!a.parameters().isEmpty()) {
        List<String> params = new java.util.ArrayList<>();
        a.parameters().forEach((k, v) -> params.add(k + "=" + v.text()));
        out.append(", parameters ").append(String.join(", ", params));
      }
      out.append('\n');
    }
    SuppressSpec s = rule.suppress();
    if (s != null) {
      out.append("\nSuppresses ").append(s.scopes()).append(" from the match until ");
      if (!s.releaseOn().isEmpty()) {
        out.append("an event of type ").append(String.join(" or ", s.releaseOn()));
      }
      if (s.releaseWhen() != null) {
        out.append(s.releaseOn().isEmpty() ? "" : ", or ")
            .append("an event for which ").append(s.releaseWhen().expression());
      }
      out.append(s.releaseOn().isEmpty() && s.releaseWhen() == null ? "" : ", ")
          .append("at most ").append(words(s.maxDuration())).append('\n');
    }
    return out.toString();
  }

  private static String step(StepSpec s, int index, Rule rule) {
    String types = String.join(" or ", s.eventTypes());
    StringBuilder text = new StringBuilder();
    if (s.absent()) {
      text.append(s.contiguity() == StepSpec.Contiguity.STRICT
          ? "NOT immediately followed by " : "NOT followed by ").append(types);
    } else {
      if (index > 0) {
        text.append(switch (s.contiguity()) {
          case STRICT -> "immediately followed by (the very next event) ";
          case ANY -> "followed by any later (each one tried separately) ";
          default -> "followed later (other events may come between) by ";
        });
      }
      text.append(types);
      if (s.timesFrom() != null) {
        text.append(s.timesFrom().equals(s.timesTo()) ? ", " + s.timesFrom() + " times"
            : ", " + s.timesFrom() + " to " + s.timesTo() + " times");
      } else if (s.oneOrMore()) {
        text.append(", one or more times");
      }
      if (s.optional()) {
        text.append(" (optional)");
      }
    }
    text.append(" [step '").append(s.name()).append("']");
    if (index > 0 && "entityId".equals(rule.correlateBy())) {
      text.append(", same entityId as step '").append(rule.firstStep()).append("'");
    }
    if (s.condition() != null) {
      text.append(", where ").append(s.condition().expression());
    }
    return text.toString();
  }

  static String words(Duration d) {
    if (d.toDays() > 0 && d.equals(Duration.ofDays(d.toDays()))) {
      return d.toDays() + (d.toDays() == 1 ? " day" : " days");
    }
    if (d.toHours() > 0 && d.equals(Duration.ofHours(d.toHours()))) {
      return d.toHours() + (d.toHours() == 1 ? " hour" : " hours");
    }
    if (d.toMinutes() > 0 && d.equals(Duration.ofMinutes(d.toMinutes()))) {
      return d.toMinutes() + (d.toMinutes() == 1 ? " minute" : " minutes");
    }
    return d.toString().substring(2).toLowerCase();
  }
}
