package io.journeyflow.patterns;

import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.internal.MatchedEvent;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A value with {@code ${step.field}} references to matched events, parsed once at load. */
public final class Template implements Serializable {

  private static final long serialVersionUID = 1L;
  static final Pattern REFERENCE = Pattern.compile("\\$\\{([^}]*)}");
  private static final Pattern STEP_FIELD =
      Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\.(eventId|eventType|source|channel|entityId"
          + "|occurredAt|attributes\\.[^}.]+|identities\\.[^}.]+)");
  public static final String FIELDS =
      "eventId, eventType, source, channel, entityId, occurredAt, attributes.NAME,"
          + " identities.NAME";

  private final String text;
  /** Literal parts and references in order: even indexes literal, odd indexes step.field. */
  private final List<String> parts;

  private Template(String text, List<String> parts) {
    this.text = text;
    this.parts = List.copyOf(parts);
  }

  /** A problem in a template and the offset in its text where it starts. */
  record Problem(int offset, String message) {}

  /** Parses; problems (unknown step or field) are added to {@code problems}. */
  static Template parse(String text, Set<String> steps, List<Problem> problems) {
    List<String> parts = new ArrayList<>();
    Matcher m = REFERENCE.matcher(text);
    int last = 0;
    while (m.find()) {
      parts.add(text.substring(last, m.start()));
      String ref = m.group(1).trim();
      Matcher sf = STEP_FIELD.matcher(ref);
      if (!sf.matches()) {
        problems.add(new Problem(m.start(), "bad reference '${" + ref
            + "}': write ${step.field} with field one of " + FIELDS));
      } else if (!steps.contains(sf.group(1))) {
        problems.add(new Problem(m.start(), "unknown step reference '" + sf.group(1)
            + "' in '${" + ref + "}' (steps that match events: " + steps + ")"));
      }
      parts.add(ref);
      last = m.end();
    }
    parts.add(text.substring(last));
    // Any "${" with a "}" after it was taken as a reference: only the tail can hold one that
    // never closes, surely a typo.
    int unclosed = text.indexOf("${", last);
    if (unclosed >= 0) {
      problems.add(new Problem(unclosed, "unclosed '${' in '" + text + "'"));
    }
    return new Template(text, parts);
  }

  public boolean isLiteral() {
    return parts.size() == 1;
  }

  public String text() {
    return text;
  }

  /** Fills references from the last event matched per step; missing values are empty. */
  public String resolve(Map<String, CustomerEvent> lastByStep) {
    if (isLiteral()) {
      return text;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < parts.size(); i++) {
      if (i % 2 == 0) {
        out.append(parts.get(i));
      } else {
        String value = field(lastByStep, parts.get(i));
        out.append(value == null ? "" : value);
      }
    }
    return out.toString();
  }

  private static String field(Map<String, CustomerEvent> lastByStep, String ref) {
    int dot = ref.indexOf('.');
    CustomerEvent e = lastByStep.get(ref.substring(0, dot));
    if (e == null) {
      return null;
    }
    String field = ref.substring(dot + 1);
    switch (field) {
      case "eventId":
        return e.getEventId();
      case "eventType":
        return e.getEventType();
      case "source":
        return e.getSource();
      case "channel":
        return e.getChannel();
      case "entityId":
        return e.getEntityId();
      case "occurredAt":
        return e.getOccurredAt().toString();
      default:
        if (field.startsWith("attributes.")) {
          Object v = e.getAttributes().get(field.substring("attributes.".length()));
          return v == null ? null : v.toString();
        }
        return e.getIdentities().get(field.substring("identities.".length()));
    }
  }

  /** The last event matched for each step. */
  static Map<String, CustomerEvent> lastByStep(List<MatchedEvent> matched) {
    Map<String, CustomerEvent> last = new java.util.HashMap<>();
    for (MatchedEvent m : matched) {
      last.put(m.getStep(), m.getEvent());
    }
    return last;
  }
}
