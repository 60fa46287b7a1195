package io.journeyflow.patterns.tools;

import io.journeyflow.patterns.RuleError;
import io.journeyflow.patterns.RuleValidationException;
import io.journeyflow.patterns.yaml.Fields;
import io.journeyflow.patterns.yaml.YamlNode;
import io.journeyflow.patterns.yaml.YamlReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The event types the connected systems emit, by source ({@code config/event-catalog.yaml}):
 * a rule step that waits for a type nobody emits can never match.
 */
public final class EventCatalog {

  private final Map<String, Set<String>> bySource;

  public EventCatalog(Map<String, Set<String>> bySource) {
    this.bySource = new TreeMap<>(bySource);
  }

  public static EventCatalog load(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read event catalog " + file, e);
    }
    List<RuleError> errors = new ArrayList<>();
    Fields f = new Fields(file.toString(), text, errors);
    YamlNode root;
    try {
      root = YamlReader.read(text);
    } catch (YamlReader.SyntaxError e) {
      throw new RuleValidationException(
          List.of(new RuleError(file.toString(), e.line(), e.column(), e.getMessage(), null)));
    }
    Map<String, Set<String>> bySource = new TreeMap<>();
    YamlNode.Mapping m = root == null ? null : f.mapping(root, "an event catalog");
    if (m != null) {
      f.keys(m, "the event catalog", Set.of("sources"), Set.of("sources"));
      YamlNode sources = m.get("sources");
      YamlNode.Mapping sm = sources == null ? null : f.mapping(sources, "sources");
      if (sm != null) {
        for (YamlNode.Entry e : sm.entries().values()) {
          Set<String> types = new TreeSet<>();
          if (e.value() instanceof YamlNode.Sequence seq) {
            for (YamlNode item : seq.items()) {
              if (item instanceof YamlNode.Scalar s && s.text() != null) {
                types.add(s.text());
              }
            }
          } else {
            f.error(e.value(), "source '" + e.key() + "' must list its event types", null);
          }
          bySource.put(e.key(), types);
        }
      }
    }
    if (!errors.isEmpty()) {
      throw new RuleValidationException(errors);
    }
    return new EventCatalog(bySource);
  }

  public boolean knows(String eventType) {
    return bySource.values().stream().anyMatch(types -> types.contains(eventType));
  }

  public Set<String> all() {
    Set<String> all = new TreeSet<>();
    bySource.values().forEach(all::addAll);
    return all;
  }
}
