package io.journeyflow.patterns.yaml;

import io.journeyflow.patterns.RuleError;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Typed reads of YAML mappings that record every problem with its position and go on, so one
 * run reports all errors of a file.
 */
public final class Fields {

  private final String file;
  private final List<String> lines;
  private final List<RuleError> errors;

  public Fields(String file, String text, List<RuleError> errors) {
    this.file = file;
    this.lines = text.lines().toList();
    this.errors = errors;
  }

  public void error(YamlNode at, String message, String hint) {
    error(at == null ? 1 : at.line(), at == null ? 1 : at.column(), message, hint);
  }

  public void error(int line, int column, String message, String hint) {
    errors.add(new RuleError(file, line, column, message, hint));
  }

  public List<RuleError> errors() {
    return errors;
  }

  /** Column where a scalar's text starts (after an opening quote). */
  public int textColumn(YamlNode.Scalar s) {
    if (s.line() >= 1 && s.line() <= lines.size()) {
      String line = lines.get(s.line() - 1);
      int i = s.column() - 1;
      if (i >= 0 && i < line.length() && (line.charAt(i) == '\'' || line.charAt(i) == '"')) {
        return s.column() + 1;
      }
    }
    return s.column();
  }

  /**
   * The file position {line, column} of a position inside a scalar's text (line from 1, column
   * from 0, as CEL reports them). A literal block ({@code |}) keeps its lines; folded blocks and
   * multi-line flow scalars join their lines with single spaces, so the offset is walked back
   * over the file's lines. Escapes in quoted text may shift the column a little.
   */
  public int[] textPosition(YamlNode.Scalar s, int textLine, int textColumn) {
    int[] start = {s.line(), textColumn(s)};
    String first = line(s.line());
    if (first == null || textLine < 1 || textColumn < 0) {
      return start;
    }
    char indicator = s.column() - 1 < first.length() ? first.charAt(s.column() - 1) : ' ';
    boolean block = indicator == '|' || indicator == '>';
    if (indicator == '|') {
      // Indentation beyond the block's own (its first line's) is part of the text.
      String firstContent = line(s.line() + 1);
      return firstContent == null || line(s.line() + textLine) == null ? start
          : new int[] {s.line() + textLine, indent(firstContent) + textColumn + 1};
    }
    if (textLine > 1) {
      return start;
    }
    // Folded text: segments of the file's lines, each followed by one joining space.
    int fileLine = block ? s.line() + 1 : s.line();
    int column = block ? -1 : start[1];
    int remaining = textColumn;
    for (String text = line(fileLine); text != null; text = line(++fileLine)) {
      int from = column > 0 ? column - 1 : indent(text);
      int length = text.length() - from;
      if (remaining <= length) {
        return new int[] {fileLine, from + remaining + 1};
      }
      remaining -= length + 1;
      column = -1;
    }
    return start;
  }

  private String line(int number) {
    return number >= 1 && number <= lines.size() ? lines.get(number - 1) : null;
  }

  private static int indent(String text) {
    int i = 0;
    while (i < text.length() && text.charAt(i) == ' ') {
      i++;
    }
    return i;
  }

  public YamlNode.Mapping mapping(YamlNode node, String what) {
    if (node instanceof YamlNode.Mapping m) {
      return m;
    }
    error(node, what + " must be a mapping of keys to values, got " + YamlNode.kind(node), null);
    return null;
  }

  /** Reports unknown keys (with the closest known one) and missing required keys. */
  public void keys(YamlNode.Mapping m, String what, Set<String> allowed, Set<String> required) {
    for (YamlNode.Entry e : m.entries().values()) {
      if (!allowed.contains(e.key())) {
        String near = closest(e.key(), allowed);
        error(e.line(), e.column(), "unknown key '" + e.key() + "' in " + what,
            near != null ? "did you mean '" + near + "'?" : "known keys: " + sorted(allowed));
      }
    }
    for (String key : sorted(required)) {
      if (!m.entries().containsKey(key)) {
        error(m, "missing required key '" + key + "' in " + what, null);
      }
    }
  }

  public YamlNode.Scalar scalar(YamlNode.Mapping m, String key) {
    YamlNode node = m.get(key);
    if (node == null) {
      return null;
    }
    if (node instanceof YamlNode.Scalar s && s.text() != null) {
      return s;
    }
    error(node, "'" + key + "' must be a single value, got " + YamlNode.kind(node), null);
    return null;
  }

  public String string(YamlNode.Mapping m, String key) {
    YamlNode.Scalar s = scalar(m, key);
    return s == null ? null : s.text();
  }

  public Integer integer(YamlNode.Mapping m, String key, int min) {
    YamlNode.Scalar s = scalar(m, key);
    if (s == null) {
      return null;
    }
    try {
      int v = Integer.parseInt(s.text().trim());
      if (v < min) {
        error(s, "'" + key + "' must be at least " + min + ", got " + v, null);
        return null;
      }
      return v;
    } catch (NumberFormatException e) {
      error(s, "'" + key + "' must be a whole number, got '" + s.text() + "'", null);
      return null;
    }
  }

  public boolean bool(YamlNode.Mapping m, String key) {
    YamlNode.Scalar s = scalar(m, key);
    if (s == null) {
      return false;
    }
    if (s.text().equals("true") || s.text().equals("false")) {
      return Boolean.parseBoolean(s.text());
    }
    error(s, "'" + key + "' must be true or false, got '" + s.text() + "'", null);
    return false;
  }

  /** A list of strings; a single value is a list of one. */
  public List<String> strings(YamlNode.Mapping m, String key) {
    YamlNode node = m.get(key);
    List<String> out = new ArrayList<>();
    if (node == null) {
      return out;
    }
    if (node instanceof YamlNode.Scalar s && s.text() != null) {
      out.add(s.text());
      return out;
    }
    if (node instanceof YamlNode.Sequence seq) {
      for (YamlNode item : seq.items()) {
        if (item instanceof YamlNode.Scalar s && s.text() != null) {
          out.add(s.text());
        } else {
          error(item, "items of '" + key + "' must be single values, got " + YamlNode.kind(item),
              null);
        }
      }
      return out;
    }
    error(node, "'" + key + "' must be a value or a list of values, got " + YamlNode.kind(node),
        null);
    return out;
  }

  /** Items of a list (positions kept); a non-list is reported. */
  public List<YamlNode> list(YamlNode.Mapping m, String key) {
    YamlNode node = m.get(key);
    if (node == null) {
      return List.of();
    }
    if (node instanceof YamlNode.Sequence seq) {
      return seq.items();
    }
    error(node, "'" + key + "' must be a list, got " + YamlNode.kind(node), null);
    return List.of();
  }

  static List<String> sorted(Collection<String> values) {
    return values.stream().sorted().toList();
  }

  static String closest(String key, Set<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : known) {
      int d = distance(key.toLowerCase(), k.toLowerCase());
      // On a tie, a name of the same length is the likelier intent (a typo, not a plural).
      boolean closerLength = d == bestDistance && best != null
          && Math.abs(k.length() - key.length()) < Math.abs(best.length() - key.length());
      if (d < bestDistance || closerLength) {
        bestDistance = d;
        best = k;
      }
    }
    return bestDistance <= Math.max(2, key.length() / 3) ? best : null;
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
