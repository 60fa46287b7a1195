package io.journeyflow.jobs.tools.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.journeyflow.jobs.tools.report.ReportModel.DeadLetterReasons;
import io.journeyflow.jobs.tools.report.ReportModel.DecisionBar;
import io.journeyflow.jobs.tools.report.ReportModel.Funnel;
import io.journeyflow.jobs.tools.report.ReportModel.Lift;
import io.journeyflow.jobs.tools.report.ReportModel.RatePoint;
import io.journeyflow.jobs.tools.report.ReportModel.ReasonCount;
import io.journeyflow.jobs.tools.report.ReportModel.RepeatSeries;
import io.journeyflow.jobs.tools.report.ReportModel.Resolution;
import io.journeyflow.jobs.tools.report.ReportModel.Segment;
import io.journeyflow.jobs.tools.report.ReportModel.Step;
import io.journeyflow.jobs.tools.report.ReportModel.Summary;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns JourneyMetrics rows (their JSON form, see ContractJson) and DeadLetter rows into a
 * {@link ReportModel}. Rows are taken as they come; a row for a rule version and window seen
 * before replaces the earlier one (a window that fired again), so nothing is counted twice.
 * Rows without a ruleId or windowStart are skipped with a warning.
 */
public final class ReportAggregator {

  /**
   * Outcomes in the order of the decision chain; BLOCKED's reasons follow BLOCKED; HOLDOUT
   * (the customer is in the rule's holdout group and gets no action) comes last.
   */
  static final List<String> OUTCOME_ORDER =
      List.of("SENT", "DEFERRED", "PENDING_APPROVAL", "BLOCKED", "HOLDOUT");

  private ReportAggregator() {}

  /**
   * @param metrics JourneyMetrics rows
   * @param deadLetters DeadLetter rows, or null when no dead-letter input was given
   * @param deadLetterSource where the dead letters came from (shown on the page)
   * @param warnings problems met while reading (copied to the summary, more may be added)
   * @param topReasons how many dead-letter reasons to list
   */
  public static ReportModel aggregate(List<JsonNode> metrics, List<JsonNode> deadLetters,
      String deadLetterSource, List<String> warnings, int topReasons) {
    List<String> notes = new ArrayList<>(warnings);
    Map<String, JsonNode> byWindow = new LinkedHashMap<>();
    long replaced = 0;
    int skipped = 0;
    for (JsonNode row : metrics) {
      String ruleId = text(row, "ruleId");
      Instant start = instant(row, "windowStart");
      if (ruleId == null || start == null) {
        skipped++;
        continue;
      }
      String key = ruleId + "\u0000" + row.path("ruleVersion").asText("") + "\u0000" + start
          + "\u0000" + text(row, "windowEnd");
      if (byWindow.remove(key) != null) {
        replaced++;
      }
      byWindow.put(key, row);
    }
    if (skipped > 0) {
      notes.add(skipped + " row(s) without a ruleId or windowStart were skipped"
          + " (not JourneyMetrics records?)");
    }
    // Per rule, in rule id order; each rule's rows in window order.
    Map<String, List<JsonNode>> byRule = new TreeMap<>();
    for (JsonNode row : byWindow.values()) {
      byRule.computeIfAbsent(text(row, "ruleId"), k -> new ArrayList<>()).add(row);
    }
    byRule.values().forEach(rows -> rows.sort(Comparator.comparing(
        (JsonNode r) -> instant(r, "windowStart")).thenComparing(r -> r.path("ruleVersion")
        .asInt())));

    List<Funnel> funnels = new ArrayList<>();
    List<Resolution> resolutions = new ArrayList<>();
    List<RepeatSeries> repeats = new ArrayList<>();
    List<Lift> lifts = new ArrayList<>();
    List<DecisionBar> decisions = new ArrayList<>();
    Set<Instant> windows = new HashSet<>();
    Instant first = null;
    Instant last = null;
    long entered = 0;
    long breakpoints = 0;
    long resolved = 0;
    long abandoned = 0;
    for (Map.Entry<String, List<JsonNode>> e : byRule.entrySet()) {
      String ruleId = e.getKey();
      List<JsonNode> rows = e.getValue();
      String journey = text(rows.get(rows.size() - 1), "journey");
      for (JsonNode r : rows) {
        Instant start = instant(r, "windowStart");
        Instant end = instant(r, "windowEnd");
        windows.add(start);
        first = first == null || start.isBefore(first) ? start : first;
        Instant until = end != null ? end : start;
        last = last == null || until.isAfter(last) ? until : last;
        entered += num(r, "entered");
        breakpoints += num(r, "breakpoints");
        resolved += num(r, "resolved");
        abandoned += num(r, "abandoned");
      }
      funnels.add(funnel(journey == null ? "(no journey)" : journey, ruleId, rows));
      resolutions.add(resolution(ruleId, rows));
      repeats.add(repeatSeries(ruleId, rows));
      lifts.add(lift(ruleId, journey, rows));
      decisions.add(decisionBar(ruleId, rows));
    }
    funnels.sort(Comparator.comparing(Funnel::journey).thenComparing(Funnel::ruleId));
    Summary summary = new Summary(byWindow.size() + replaced, replaced, byRule.size(),
        windows.size(), first, last, entered, breakpoints, resolved, abandoned, notes);
    return new ReportModel(summary, funnels, resolutions, repeats, lifts, decisions,
        deadLetterReasons(deadLetters, deadLetterSource, topReasons));
  }

  private static Funnel funnel(String journey, String ruleId, List<JsonNode> rows) {
    Map<String, Long> reached = new LinkedHashMap<>();
    for (JsonNode r : rows) {
      for (JsonNode s : r.path("stepsReached")) {
        String step = text(s, "step");
        if (step != null) {
          reached.merge(step, num(s, "reached"), Long::sum);
        }
      }
    }
    List<Step> steps = new ArrayList<>();
    Long firstCount = null;
    Long previous = null;
    for (Map.Entry<String, Long> s : reached.entrySet()) {
      long n = s.getValue();
      Double conversion = previous == null || previous == 0 ? null : (double) n / previous;
      if (firstCount == null) {
        firstCount = n;
      }
      Double ofFirst = firstCount == 0 ? null : (double) n / firstCount;
      steps.add(new Step(s.getKey(), n, conversion, ofFirst));
      previous = n;
    }
    return new Funnel(journey, ruleId, steps);
  }

  private static Resolution resolution(String ruleId, List<JsonNode> rows) {
    long count = 0;
    double[] sums = new double[3];
    long[] weights = new long[3];
    String[] fields = {"resolutionP50Millis", "resolutionP90Millis", "resolutionP99Millis"};
    int windows = 0;
    for (JsonNode r : rows) {
      long n = num(r, "resolutionCount");
      count += n;
      boolean any = false;
      for (int i = 0; i < 3; i++) {
        Double v = dbl(r, fields[i]);
        if (v != null && n > 0) {
          sums[i] += v * n;
          weights[i] += n;
          any = true;
        }
      }
      windows += any ? 1 : 0;
    }
    return new Resolution(ruleId, count, windows,
        weights[0] == 0 ? null : sums[0] / weights[0],
        weights[1] == 0 ? null : sums[1] / weights[1],
        weights[2] == 0 ? null : sums[2] / weights[2]);
  }

  private static RepeatSeries repeatSeries(String ruleId, List<JsonNode> rows) {
    Map<Instant, long[]> byStart = new TreeMap<>();
    for (JsonNode r : rows) {
      long[] sum = byStart.computeIfAbsent(instant(r, "windowStart"), k -> new long[2]);
      sum[0] += num(r, "actionsFollowedUp");
      sum[1] += num(r, "repeatContacts");
    }
    List<RatePoint> points = new ArrayList<>();
    long followed = 0;
    long repeated = 0;
    for (Map.Entry<Instant, long[]> p : byStart.entrySet()) {
      long[] v = p.getValue();
      followed += v[0];
      repeated += v[1];
      if (v[0] > 0) {
        points.add(new RatePoint(p.getKey(), v[0], v[1], (double) v[1] / v[0]));
      }
    }
    return new RepeatSeries(ruleId, points, followed, repeated);
  }

  private static Lift lift(String ruleId, String journey, List<JsonNode> rows) {
    long treated = 0;
    long treatedWith = 0;
    long heldOut = 0;
    long heldOutWith = 0;
    Double percent = null;
    for (JsonNode r : rows) {
      JsonNode h = r.path("holdout");
      if (!h.isObject()) {
        continue;
      }
      treated += num(h, "treated");
      treatedWith += num(h, "treatedWithOutcome");
      heldOut += num(h, "heldOut");
      heldOutWith += num(h, "heldOutWithOutcome");
      Double p = dbl(h, "holdoutPercent");
      percent = p != null ? p : percent; // the latest window's setting
    }
    // The job's own formulas, on the counts summed over windows.
    io.journeyflow.jobs.analytics.Lift s =
        io.journeyflow.jobs.analytics.Lift.of(treated, treatedWith, heldOut, heldOutWith);
    return s == null
        ? new Lift(ruleId, journey, percent, treated, treatedWith, heldOut, heldOutWith, null,
            null, null, null)
        : new Lift(ruleId, journey, percent, treated, treatedWith, heldOut, heldOutWith,
            s.lift(), s.low(), s.high(), s.pValue());
  }

  /**
   * Decision counts by key. A plain outcome that also has outcome:reason keys is read as their
   * total when it is at least their sum (the rest shows as "OUTCOME:other"); when it is less,
   * it is counted on its own.
   */
  static DecisionBar decisionBar(String ruleId, List<JsonNode> rows) {
    Map<String, Long> sums = new TreeMap<>();
    for (JsonNode r : rows) {
      r.path("decisions").fields().forEachRemaining(f -> {
        long n = f.getValue().isNumber() ? f.getValue().asLong()
            : parseLong(f.getValue().asText());
        sums.merge(f.getKey(), n, Long::sum);
      });
    }
    Map<String, Long> outcomes = new TreeMap<>(Comparator.comparingInt(
        (String k) -> rank(k)).thenComparing(k -> k));
    Map<String, Long> reasonTotals = new TreeMap<>();
    sums.forEach((k, v) -> {
      int colon = k.indexOf(':');
      if (colon > 0) {
        reasonTotals.merge(k.substring(0, colon), v, Long::sum);
      }
    });
    sums.forEach((k, v) -> {
      Long detailed = k.indexOf(':') > 0 ? null : reasonTotals.get(k);
      if (detailed == null) {
        outcomes.put(k, v);
      } else if (v >= detailed) {
        if (v > detailed) {
          outcomes.put(k + ":other", v - detailed);
        }
      } else {
        outcomes.put(k, v);
      }
    });
    List<Segment> segments = new ArrayList<>();
    outcomes.forEach((k, v) -> {
      if (v > 0) {
        segments.add(new Segment(k, v));
      }
    });
    return new DecisionBar(ruleId, segments);
  }

  private static int rank(String key) {
    int colon = key.indexOf(':');
    int i = OUTCOME_ORDER.indexOf(colon > 0 ? key.substring(0, colon) : key);
    return i < 0 ? OUTCOME_ORDER.size() : i;
  }

  private static DeadLetterReasons deadLetterReasons(List<JsonNode> rows, String source,
      int top) {
    if (rows == null) {
      return new DeadLetterReasons(null, 0, List.of(), 0, 0);
    }
    Map<String, ReasonCount> counts = new LinkedHashMap<>();
    for (JsonNode r : rows) {
      String stage = text(r, "stage");
      String error = text(r, "error");
      String reason = DeadLetterReasonText.normalize(error);
      String key = stage + "\u0000" + reason;
      ReasonCount c = counts.get(key);
      counts.put(key, new ReasonCount(stage == null ? "(no stage)" : stage, reason,
          c == null ? 1 : c.count() + 1, c == null ? error : c.example()));
    }
    List<ReasonCount> all = new ArrayList<>(counts.values());
    all.sort(Comparator.comparingLong(ReasonCount::count).reversed()
        .thenComparing(ReasonCount::stage).thenComparing(ReasonCount::reason));
    List<ReasonCount> shown = all.subList(0, Math.min(top, all.size()));
    long other = all.subList(shown.size(), all.size()).stream()
        .mapToLong(ReasonCount::count).sum();
    return new DeadLetterReasons(source, rows.size(), List.copyOf(shown), other,
        all.size() - shown.size());
  }

  // --------------------------------------------------------------------------------------
  // Lenient field access: the JSON form of the contract, but also hand-written files.

  static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  static long num(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return 0;
    }
    return v.isNumber() ? v.asLong() : parseLong(v.asText());
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  static Double dbl(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    double d;
    if (v.isNumber()) {
      d = v.asDouble();
    } else {
      try {
        d = Double.parseDouble(v.asText());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return Double.isFinite(d) ? d : null;
  }

  /** ISO-8601 text (the contract's JSON form) or epoch milliseconds. */
  static Instant instant(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.isIntegralNumber()) {
      return Instant.ofEpochMilli(v.asLong());
    }
    try {
      return Instant.parse(v.asText());
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
