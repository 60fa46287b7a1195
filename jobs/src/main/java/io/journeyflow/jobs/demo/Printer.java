package io.journeyflow.jobs.demo;

import io.journeyflow.schema.Action;
import io.journeyflow.schema.DeadLetter;
import io.journeyflow.schema.DeadLetterOrigin;
import io.journeyflow.schema.Decision;
import io.journeyflow.schema.JourneyMetrics;
import io.journeyflow.schema.OpenSuppression;
import io.journeyflow.schema.StepCount;
import io.journeyflow.schema.SuppressionSignal;
import io.journeyflow.schema.TriggeringEvent;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** Readable one-glance text for the records a person watches in the demo. */
public final class Printer {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("MMM d HH:mm").withZone(ZoneOffset.UTC);

  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);

  private Printer() {}

  public static String describe(JourneyMetrics m) {
    StringBuilder steps = new StringBuilder();
    for (StepCount step : m.getStepsReached()) {
      steps.append(steps.length() == 0 ? "" : " -> ").append(step.getStep()).append(' ')
          .append(step.getReached());
    }
    return String.format(
        "METRICS   %-22s %s-%s  entered %d, breakpoints %d, resolved %d, abandoned %d%n"
            + "          steps %s; decisions %s",
        m.getRuleId(), TIME.format(m.getWindowStart()), CLOCK.format(m.getWindowEnd()),
        m.getEntered(), m.getBreakpoints(),
        m.getResolved(), m.getAbandoned(), steps.length() == 0 ? "-" : steps,
        new TreeMap<>(m.getDecisions()));
  }

  public static String describe(Action a) {
    List<String> steps = new ArrayList<>();
    for (TriggeringEvent t : a.getTriggeringEvents()) {
      steps.add(t.getEventType() + " @" + time(t.getOccurredAt()));
    }
    List<String> open = new ArrayList<>();
    for (OpenSuppression s : a.getContext().getOpenSuppressions()) {
      open.add(s.getScope());
    }
    return String.format(
        "ACTION    %-22s %s%s  [rule %s v%d, priority %d]%n"
            + "          params %s%n"
            + "          because %s%n"
            + "          context: %d recent event(s), suppressed: %s",
        a.getCustomerId(),
        a.getActionType(),
        a.getChannel() == null ? "" : " via " + a.getChannel(),
        a.getRuleId(),
        a.getRuleVersion(),
        a.getPriority(),
        new TreeMap<>(a.getParameters()),
        String.join(" -> ", steps),
        a.getContext().getRecentEvents().size(),
        open.isEmpty() ? "nothing" : String.join(", ", open));
  }

  public static String describe(SuppressionSignal s) {
    return String.format(
        "%-9s %-22s %s @%s%s  [rule %s]%n          %s",
        s.getState(),
        s.getCustomerId(),
        s.getScopes(),
        time(s.getAt()),
        s.getUntil() == null ? "" : " until " + time(s.getUntil()),
        s.getRuleId(),
        s.getReason());
  }

  public static String describe(Decision d) {
    return String.format(
        "DECISION  %-22s %s %s%s  [rule %s, policies %s]%n          %s%s",
        d.getCustomerId(),
        d.getActionType(),
        d.getOutcome(),
        d.getReason() == null ? "" : " (" + d.getReason() + ")",
        d.getRuleId(),
        d.getPolicyVersion(),
        d.getExplanation(),
        d.getPolicyValues().isEmpty() ? "" : " " + new TreeMap<>(d.getPolicyValues()));
  }

  public static String describe(DeadLetter d) {
    DeadLetterOrigin o = d.getOrigin();
    String where =
        o.getTopic() != null
            ? o.getTopic() + "/" + o.getPartition() + "@" + o.getOffset()
            : o.getFile() != null ? o.getFile() + ":" + o.getLine() : o.getKind();
    return String.format(
        "DEAD      %-22s stage %s: %s", where, d.getStage(), d.getError());
  }

  public static String describe(io.journeyflow.schema.IdentityMerged m) {
    return String.format("IDENTITY  %-22s is now %s (linked through %s%s)", m.getAbsorbedId(),
        m.getSurvivingId(), m.getVia(), m.getEventId() == null ? "" : " by " + m.getEventId());
  }

  static String time(Instant t) {
    return TIME.format(t);
  }
}
