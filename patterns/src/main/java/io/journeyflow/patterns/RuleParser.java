package io.journeyflow.patterns;

import dev.cel.common.CelIssue;
import dev.cel.common.CelValidationException;
import io.journeyflow.patterns.StepSpec.Contiguity;
import io.journeyflow.patterns.cel.CelCondition;
import io.journeyflow.patterns.yaml.Fields;
import io.journeyflow.patterns.yaml.YamlNode;
import io.journeyflow.patterns.yaml.YamlReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Parses and validates one rule file, collecting every error with its position. */
final class RuleParser {

  static final Pattern RULE_ID = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
  static final Pattern STEP_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  static final Pattern ACTION_TYPE = Pattern.compile("[A-Z][A-Z0-9_]*");
  static final Pattern EVENT_TYPE = Pattern.compile("[a-z0-9_]+(\\.[a-z0-9_]+)*");
  static final Pattern SCOPE = Pattern.compile("[a-z0-9_-]+");
  /** Names a step cannot take: CEL's reserved words and the variables CEL already binds. */
  static final Set<String> RESERVED =
      Set.of("event", "opened", "true", "false", "null", "in", "as", "break", "const",
          "continue", "else", "for", "function", "if", "import", "let", "loop", "package",
          "namespace", "return", "var", "void", "while", "has", "size", "int", "uint", "double",
          "string", "bytes", "bool", "list", "map", "type", "dyn");

  private static final Set<String> RULE_KEYS =
      Set.of("id", "version", "description", "journey", "within", "correlateBy", "afterMatch",
          "steps", "actions", "suppress", "exitOn", "reentry", "holdout");
  private static final Set<String> RULE_REQUIRED =
      Set.of("id", "version", "journey", "steps", "actions");
  private static final Set<String> STEP_KEYS =
      Set.of("name", "eventTypes", "eventType", "condition", "contiguity", "times", "oneOrMore",
          "optional", "absent");
  private static final Set<String> ACTION_KEYS = Set.of("type", "channel", "priority",
      "purpose", "onQuietHours", "requiresApproval", "parameters");
  private static final Set<String> SUPPRESS_KEYS =
      Set.of("scopes", "releaseOn", "releaseWhen", "maxDuration");
  private static final Set<String> TIMES_KEYS = Set.of("from", "to");

  private final String file;
  private final Fields f;
  private final int errorsBefore;

  private RuleParser(String file, String text, List<RuleError> errors) {
    this.file = file;
    this.f = new Fields(file, text, errors);
    this.errorsBefore = errors.size();
  }

  /** The rule, or null when the file has errors (added to {@code errors}). */
  static Rule parse(String file, String text, List<RuleError> errors) {
    RuleParser p = new RuleParser(file, text, errors);
    YamlNode root;
    try {
      root = YamlReader.read(text);
    } catch (YamlReader.SyntaxError e) {
      p.f.error(e.line(), e.column(), e.getMessage(), null);
      return null;
    }
    if (root == null) {
      p.f.error(1, 1, "empty rule file", "a rule needs at least id, version, journey, steps"
          + " and actions");
      return null;
    }
    Rule rule = p.rule(root);
    return errors.size() > p.errorsBefore ? null : rule;
  }

  /** Where the rule id is written, for duplicate-id errors across files. */
  static YamlNode idNode(String text) {
    try {
      YamlNode root = YamlReader.read(text);
      return root instanceof YamlNode.Mapping m ? m.get("id") : null;
    } catch (YamlReader.SyntaxError e) {
      return null;
    }
  }

  private Rule rule(YamlNode root) {
    YamlNode.Mapping m = f.mapping(root, "a rule");
    if (m == null) {
      return null;
    }
    f.keys(m, "the rule", RULE_KEYS, RULE_REQUIRED);
    String id = f.string(m, "id");
    if (id != null && !RULE_ID.matcher(id).matches()) {
      f.error(m.get("id"), "bad rule id '" + id + "'",
          "lowercase letters, digits and single dashes, e.g. cart-abandonment");
    }
    Integer version = f.integer(m, "version", 1);
    // Optional: it is also the reason of SUPPRESS signals, so never null.
    String description = m.get("description") == null ? "" : f.string(m, "description");
    String journey = f.string(m, "journey");
    Duration within = duration(m, "within");
    String correlateBy = f.string(m, "correlateBy");
    if (correlateBy != null && !correlateBy.equals("entityId")) {
      f.error(m.get("correlateBy"), "correlateBy '" + correlateBy + "' is not supported",
          "only entityId");
    }
    Rule.AfterMatch afterMatch = afterMatch(m);

    List<StepSpec> steps = steps(m, correlateBy);
    Set<String> matchingSteps = new LinkedHashSet<>();
    for (StepSpec s : steps) {
      if (!s.absent()) {
        matchingSteps.add(s.name());
      }
    }
    List<ActionSpec> actions = new ArrayList<>();
    List<YamlNode> actionNodes = f.list(m, "actions");
    if (m.get("actions") != null && actionNodes.isEmpty() && m.get("actions")
        instanceof YamlNode.Sequence) {
      f.error(m.get("actions"), "a rule needs at least one action", null);
    }
    for (YamlNode node : actionNodes) {
      ActionSpec a = action(node, matchingSteps);
      if (a != null) {
        actions.add(a);
      }
    }
    SuppressSpec suppress = m.get("suppress") == null ? null : suppress(m.get("suppress"));
    List<String> exitOn = f.strings(m, "exitOn");
    for (String type : exitOn) {
      if (!EVENT_TYPE.matcher(type).matches()) {
        f.error(m.get("exitOn"), "bad event type '" + type + "'",
            "dotted lowercase, e.g. billing.issue.resolved");
      }
    }
    Duration reentryAfter = null;
    boolean reentryNever = false;
    YamlNode reentry = m.get("reentry");
    if (reentry instanceof YamlNode.Scalar rs && rs.text() != null) {
      if (rs.text().equals("never")) {
        reentryNever = true;
      } else if (!rs.text().equals("always")) {
        f.error(rs, "unknown reentry '" + rs.text() + "'", "always (default), never, or"
            + " {after: 30d}");
      }
    } else if (reentry != null) {
      YamlNode.Mapping rm = f.mapping(reentry, "reentry");
      if (rm != null) {
        f.keys(rm, "reentry", Set.of("after"), Set.of("after"));
        reentryAfter = duration(rm, "after");
      }
    }
    HoldoutSpec holdout = m.get("holdout") == null ? null : holdout(m.get("holdout"));
    if (id == null || version == null || description == null || journey == null) {
      return null;
    }
    Rule rule =
        new Rule(id, version, description, journey, within, correlateBy, afterMatch, steps,
            actions, suppress, exitOn, reentryAfter, reentryNever, holdout, file);
    if (!steps.isEmpty() && f.errors().size() == errorsBefore) {
      try {
        RuleCompiler.check(rule);
      } catch (RuntimeException e) {
        f.error(m.get("steps"), "Flink CEP rejects this pattern: " + e.getMessage(), null);
      }
    }
    return rule;
  }

  private Rule.AfterMatch afterMatch(YamlNode.Mapping m) {
    String value = f.string(m, "afterMatch");
    if (value == null) {
      return Rule.AfterMatch.SKIP_PAST_LAST_EVENT;
    }
    switch (value) {
      case "skipPastLastEvent":
        return Rule.AfterMatch.SKIP_PAST_LAST_EVENT;
      case "noSkip":
        return Rule.AfterMatch.NO_SKIP;
      case "skipToNext":
        return Rule.AfterMatch.SKIP_TO_NEXT;
      default:
        f.error(m.get("afterMatch"), "unknown afterMatch '" + value + "'",
            "skipPastLastEvent (default), noSkip or skipToNext");
        return Rule.AfterMatch.SKIP_PAST_LAST_EVENT;
    }
  }

  private HoldoutSpec holdout(YamlNode node) {
    YamlNode.Mapping m = f.mapping(node, "holdout");
    if (m == null) {
      return null;
    }
    Set<String> keys = Set.of("percent", "outcomes", "within");
    f.keys(m, "holdout", keys, keys);
    Double percent = null;
    YamlNode.Scalar p = f.scalar(m, "percent");
    if (p != null) {
      try {
        percent = Double.parseDouble(p.text().endsWith("%")
            ? p.text().substring(0, p.text().length() - 1) : p.text());
      } catch (NumberFormatException e) {
        percent = null;
      }
      if (percent == null || !(percent > 0 && percent < 100)) {
        f.error(p, "bad holdout percent '" + p.text() + "'",
            "a number above 0 and below 100, e.g. 10");
        percent = null;
      }
    }
    List<String> outcomes = f.strings(m, "outcomes");
    for (String type : outcomes) {
      if (!EVENT_TYPE.matcher(type).matches()) {
        f.error(m.get("outcomes"), "bad event type '" + type + "'",
            "dotted lowercase, e.g. billing.issue.resolved");
      }
    }
    if (m.get("outcomes") != null && outcomes.isEmpty()) {
      f.error(m.get("outcomes"), "a holdout needs at least one outcome event type", null);
    }
    Duration window = duration(m, "within");
    return percent == null || outcomes.isEmpty() || window == null ? null
        : new HoldoutSpec(percent, outcomes, window);
  }

  private Duration duration(YamlNode.Mapping m, String key) {
    YamlNode.Scalar s = f.scalar(m, key);
    if (s == null) {
      return null;
    }
    Duration d = Durations.parse(s.text());
    if (d == null || d.isZero() || d.isNegative()) {
      f.error(s, "bad duration '" + s.text() + "' for '" + key + "'", Durations.HINT);
      return null;
    }
    return d;
  }

  private List<StepSpec> steps(YamlNode.Mapping m, String correlateBy) {
    List<StepSpec> steps = new ArrayList<>();
    List<YamlNode> nodes = f.list(m, "steps");
    if (m.get("steps") instanceof YamlNode.Sequence && nodes.isEmpty()) {
      f.error(m.get("steps"), "a rule needs at least one step", null);
    }
    Set<String> names = new HashSet<>();
    List<String> earlier = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      StepSpec step = step(nodes.get(i), i, earlier, names);
      if (step == null) {
        continue;
      }
      steps.add(step);
      if (!step.absent()) {
        earlier.add(step.name());
      }
    }
    // Rules across steps need every step; with a broken step they would only add noise.
    if (steps.size() == nodes.size() && !steps.isEmpty()) {
      crossStepChecks(m, steps, nodes, correlateBy);
    }
    return steps;
  }

  private void crossStepChecks(
      YamlNode.Mapping m, List<StepSpec> steps, List<YamlNode> nodes, String correlateBy) {
    // A window that is given but invalid is reported already: do not ask for it again.
    boolean withinGiven = m.get("within") != null;
    int last = steps.size() - 1;
    for (int i = 1; i < steps.size(); i++) {
      StepSpec s = steps.get(i);
      if (!s.absent()) {
        continue;
      }
      if (!withinGiven) {
        f.error(at(nodes.get(i), "absent"), i == last
            ? "an absence step at the end needs 'within'"
            : "a rule with an absence step needs 'within'",
            "add e.g. within: 3d: how long to wait for the absent event");
      }
      if (steps.get(i - 1).optional()) {
        f.error(at(nodes.get(i), "absent"), "an absence step cannot follow an optional step",
            "Flink CEP does not support it: write two rules, one with and one without the"
                + " optional step");
      }
    }
    for (int i = 0; i < steps.size(); i++) {
      StepSpec s = steps.get(i);
      if (s.oneOrMore() && !withinGiven) {
        f.error(at(nodes.get(i), "oneOrMore"), "a rule with oneOrMore needs 'within'",
            "without a window its partial matches grow state without bound");
      }
    }
    if (steps.stream().allMatch(s -> s.optional() || s.absent())) {
      f.error(m.get("steps"), "every step is optional",
          "at least one step must match an event");
    } else if (correlateBy != null && steps.get(0).optional()) {
      f.error(at(nodes.get(0), "optional"), "with correlateBy the first step cannot be optional",
          "its event decides the entityId the other steps must share");
    }
  }

  /** The value of {@code key} in a step, or the step itself: where an error should point. */
  private static YamlNode at(YamlNode step, String key) {
    YamlNode value = step instanceof YamlNode.Mapping m ? m.get(key) : null;
    return value != null ? value : step;
  }

  private StepSpec step(YamlNode node, int index, List<String> earlier, Set<String> names) {
    YamlNode.Mapping m = f.mapping(node, "a step");
    if (m == null) {
      return null;
    }
    int before = f.errors().size();
    f.keys(m, "step " + (index + 1), STEP_KEYS, Set.of("name"));
    String name = f.string(m, "name");
    if (name != null) {
      if (!STEP_NAME.matcher(name).matches()) {
        f.error(m.get("name"), "bad step name '" + name + "'",
            "letters, digits and _, starting with a letter (it is a CEL variable)");
      } else if (RESERVED.contains(name)) {
        f.error(m.get("name"), "step name '" + name + "' is reserved", "choose another name");
      } else if (!names.add(name)) {
        f.error(m.get("name"), "duplicate step name '" + name + "'", "step names are unique");
      }
    }
    if (m.get("eventTypes") != null && m.get("eventType") != null) {
      f.error(m.entries().get("eventType").line(), m.entries().get("eventType").column(),
          "use either eventTypes or eventType, not both", "eventTypes takes a list");
    }
    List<String> types = new ArrayList<>(f.strings(m, "eventTypes"));
    types.addAll(f.strings(m, "eventType"));
    if (types.isEmpty()) {
      YamlNode given = m.get("eventTypes") != null ? m.get("eventTypes") : m.get("eventType");
      f.error(given != null ? given : m, "step " + (name == null ? index + 1 : "'" + name + "'")
          + " needs eventTypes", "e.g. eventTypes: [payment.failed]");
    }
    for (String type : types) {
      if (!EVENT_TYPE.matcher(type).matches()) {
        f.error(m.get(m.get("eventTypes") != null ? "eventTypes" : "eventType"),
            "bad event type '" + type + "'", "dotted lowercase, e.g. payment.failed");
      }
    }
    boolean absent = f.bool(m, "absent");
    boolean optional = f.bool(m, "optional");
    boolean oneOrMore = f.bool(m, "oneOrMore");
    Integer[] times = times(m.get("times"));
    Contiguity contiguity = contiguity(m);
    if (index == 0 && absent) {
      f.error(m.get("absent"), "the first step cannot be an absence", "start with the event that"
          + " opens the window, then add absent: true to a later step");
    }
    if (absent) {
      for (String quantifier : List.of("times", "oneOrMore", "optional")) {
        YamlNode q = m.get(quantifier);
        // `optional: false` and the like are harmless; only a real quantifier is an error.
        boolean set = quantifier.equals("times") ? times[0] != null
            : quantifier.equals("optional") ? optional : oneOrMore;
        if (q != null && set) {
          f.error(q, "an absence step cannot have times, oneOrMore or optional",
              "it matches no event, so there is nothing to repeat or skip");
        }
      }
    }
    if (absent && contiguity == Contiguity.ANY) {
      f.error(m.get("contiguity"), "an absence step cannot use contiguity 'any'",
          "relaxed (not followed by) or strict (not next)");
    }
    if (oneOrMore && times[0] != null) {
      f.error(m.get("oneOrMore"), "use either times or oneOrMore, not both",
          "times: {from: N, to: M} bounds the repeats; oneOrMore leaves them open");
    }
    if (index == 0 && contiguity != Contiguity.RELAXED && m.get("contiguity") != null) {
      f.error(m.get("contiguity"), "the first step has no previous step to follow",
          "remove contiguity from the first step");
    }
    CelCondition condition = null;
    YamlNode.Scalar cond = f.scalar(m, "condition");
    if (cond != null) {
      List<String> vars = new ArrayList<>();
      vars.add("event");
      vars.addAll(earlier);
      condition = cel(cond, vars, "earlier steps: " + earlier);
    }
    if (name == null || (f.errors().size() > before && !STEP_NAME.matcher(name).matches())) {
      return null;
    }
    // A step with errors still declares its name, so later references to it do not cascade
    // into "unknown step" errors; the rule is rejected for the step's own errors anyway.
    return new StepSpec(name, types, condition, contiguity, times[0], times[1], oneOrMore,
        optional, absent);
  }

  private Integer[] times(YamlNode node) {
    Integer[] out = new Integer[2];
    if (node == null) {
      return out;
    }
    if (node instanceof YamlNode.Scalar s && s.text() != null) {
      try {
        int n = Integer.parseInt(s.text().trim());
        if (n < 1) {
          f.error(s, "times must be at least 1, got " + n, null);
        } else {
          out[0] = n;
          out[1] = n;
        }
      } catch (NumberFormatException e) {
        f.error(s, "times must be a whole number or {from: N, to: M}, got '" + s.text() + "'",
            null);
      }
      return out;
    }
    YamlNode.Mapping m = f.mapping(node, "times");
    if (m == null) {
      return out;
    }
    f.keys(m, "times", TIMES_KEYS, TIMES_KEYS);
    Integer from = f.integer(m, "from", 1);
    Integer to = f.integer(m, "to", 1);
    if (from != null && to != null) {
      if (from > to) {
        f.error(m, "times: from (" + from + ") is greater than to (" + to + ")", null);
      } else {
        out[0] = from;
        out[1] = to;
      }
    }
    return out;
  }

  private Contiguity contiguity(YamlNode.Mapping m) {
    String value = f.string(m, "contiguity");
    if (value == null) {
      return Contiguity.RELAXED;
    }
    switch (value) {
      case "relaxed":
        return Contiguity.RELAXED;
      case "strict":
        return Contiguity.STRICT;
      case "any":
        return Contiguity.ANY;
      default:
        f.error(m.get("contiguity"), "unknown contiguity '" + value + "'",
            "relaxed (default), strict or any");
        return Contiguity.RELAXED;
    }
  }

  private ActionSpec action(YamlNode node, Set<String> steps) {
    YamlNode.Mapping m = f.mapping(node, "an action");
    if (m == null) {
      return null;
    }
    f.keys(m, "an action", ACTION_KEYS, Set.of("type"));
    String type = f.string(m, "type");
    if (type != null && !ACTION_TYPE.matcher(type).matches()) {
      f.error(m.get("type"), "bad action type '" + type + "'",
          "upper case with underscores, e.g. SEND_CART_REMINDER");
    }
    Integer priority = m.get("priority") == null ? Integer.valueOf(ActionSpec.DEFAULT_PRIORITY)
        : f.integer(m, "priority", 0);
    String purpose = f.string(m, "purpose");
    if (purpose == null) {
      purpose = ActionSpec.DEFAULT_PURPOSE;
    } else if (!ActionSpec.PURPOSES.contains(purpose)) {
      f.error(m.get("purpose"), "unknown purpose '" + purpose + "'",
          "marketing, service (default) or transactional");
    }
    String onQuiet = f.string(m, "onQuietHours");
    if (onQuiet != null && !onQuiet.equals("defer") && !onQuiet.equals("discard")) {
      f.error(m.get("onQuietHours"), "unknown onQuietHours '" + onQuiet + "'",
          "defer (default: send when the quiet hours end) or discard");
    }
    Template channel = null;
    YamlNode.Scalar ch = f.scalar(m, "channel");
    if (ch != null) {
      channel = template(ch, steps);
    }
    Map<String, Template> parameters = new LinkedHashMap<>();
    YamlNode params = m.get("parameters");
    if (params != null) {
      YamlNode.Mapping pm = f.mapping(params, "parameters");
      if (pm != null) {
        for (YamlNode.Entry e : pm.entries().values()) {
          if (e.value() instanceof YamlNode.Scalar s && s.text() != null) {
            parameters.put(e.key(), template(s, steps));
          } else {
            f.error(e.value(), "parameter '" + e.key() + "' must be a single value", null);
          }
        }
      }
    }
    if (type == null || priority == null) {
      return null;
    }
    return new ActionSpec(type, channel, priority, purpose, "discard".equals(onQuiet),
        f.bool(m, "requiresApproval"), parameters);
  }

  private Template template(YamlNode.Scalar s, Set<String> steps) {
    List<Template.Problem> problems = new ArrayList<>();
    Template t = Template.parse(s.text(), steps, problems);
    for (Template.Problem problem : problems) {
      // Point at the reference itself when the value is on one line (offsets are exact then).
      int column = s.text().contains("\n") ? s.column() : f.textColumn(s) + problem.offset();
      f.error(s.line(), column, problem.message(), null);
    }
    return t;
  }

  private SuppressSpec suppress(YamlNode node) {
    YamlNode.Mapping m = f.mapping(node, "suppress");
    if (m == null) {
      return null;
    }
    f.keys(m, "suppress", SUPPRESS_KEYS, Set.of("scopes", "maxDuration"));
    List<String> scopes = f.strings(m, "scopes");
    if (m.get("scopes") != null && scopes.isEmpty()) {
      f.error(m.get("scopes"), "suppress needs at least one scope", "e.g. [marketing]");
    }
    for (String scope : scopes) {
      if (!SCOPE.matcher(scope).matches()) {
        f.error(m.get("scopes"), "bad scope '" + scope + "'", "lowercase, e.g. marketing");
      }
    }
    List<String> releaseOn = f.strings(m, "releaseOn");
    for (String type : releaseOn) {
      if (!EVENT_TYPE.matcher(type).matches()) {
        f.error(m.get("releaseOn"), "bad event type '" + type + "'",
            "dotted lowercase, e.g. billing.issue.resolved");
      }
    }
    CelCondition releaseWhen = null;
    YamlNode.Scalar when = f.scalar(m, "releaseWhen");
    if (when != null) {
      releaseWhen = cel(when, List.of("event", "opened"), "variables: event, opened");
    }
    Duration max = duration(m, "maxDuration");
    return max == null ? null : new SuppressSpec(scopes, releaseOn, releaseWhen, max);
  }

  private CelCondition cel(YamlNode.Scalar s, List<String> variables, String available) {
    try {
      return CelCondition.of(s.text(), variables);
    } catch (CelValidationException e) {
      for (CelIssue issue : e.getErrors()) {
        // channel and entityId are nullable: CEL calls that type wrapper(string).
        String message = issue.getMessage().replaceAll("wrapper\\((\\w+)\\)", "$1 or null");
        var loc = issue.getSourceLocation();
        // A non-bool result is about the whole expression, not the part CEL happens to name.
        int[] at = message.startsWith("expected type 'bool'")
            ? f.textPosition(s, 1, 0) : f.textPosition(s, loc.getLine(), loc.getColumn());
        int line = at[0];
        int column = at[1];
        if (message.startsWith("undeclared reference to '")) {
          String name = message.substring(25, message.indexOf('\'', 25));
          f.error(line, column, "unknown step reference '" + name + "' in CEL expression",
              available);
        } else if (message.contains("overload") || message.contains("expected type")
            || message.contains("undefined field") || message.contains("found")) {
          f.error(line, column, "CEL type error: " + message,
              "event fields: " + io.journeyflow.patterns.cel.CelEnvironment.EVENT_FIELDS
                  .keySet());
        } else {
          f.error(line, column, "CEL syntax error: " + message, null);
        }
      }
      if (e.getErrors().isEmpty()) {
        f.error(s, "CEL error: " + e.getMessage(), null);
      }
      return null;
    }
  }
}
