package io.journeyflow.patterns.yaml;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A YAML value with the line and column it starts at, so errors can point at it. */
public sealed interface YamlNode permits YamlNode.Scalar, YamlNode.Sequence, YamlNode.Mapping {

  int line();

  int column();

  /** A plain value; {@code text} is null for YAML null. {@code quoted}: written as a string. */
  record Scalar(String text, boolean quoted, int line, int column) implements YamlNode {}

  /** A list. */
  record Sequence(List<YamlNode> items, int line, int column) implements YamlNode {}

  /** A mapping; keys keep their own positions and file order. */
  record Mapping(Map<String, Entry> entries, int line, int column) implements YamlNode {
    public Mapping {
      entries = new LinkedHashMap<>(entries);
    }

    public YamlNode get(String key) {
      Entry e = entries.get(key);
      return e == null ? null : e.value();
    }
  }

  /** One key of a mapping, where it stands, and its value. */
  record Entry(String key, int line, int column, YamlNode value) {}

  /** A human name of the node's kind for "expected X, got Y" messages. */
  static String kind(YamlNode node) {
    if (node instanceof Mapping) {
      return "a mapping";
    }
    if (node instanceof Sequence) {
      return "a list";
    }
    Scalar s = (Scalar) node;
    return s.text() == null ? "null" : "'" + s.text() + "'";
  }
}
