package io.journeyflow.jobs.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.journeyflow.jobs.Uids;
import io.journeyflow.patterns.Rule;
import io.journeyflow.patterns.RuleLoader;
import io.journeyflow.patterns.RuleSet;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a rule-set change does to a running job's state when it is restarted from a savepoint.
 *
 * <p>Each rule's CEP operator has the uid {@code rule-<id>-v<version>} ({@link Uids#rule}), so
 * the savepoint's partial matches of a rule are restored only into the same id and version.
 * Compared rule by rule (by id):
 *
 * <ul>
 *   <li>added: a new operator, starts empty;
 *   <li>removed: its state is in the savepoint but nothing restores it: allowed only when the
 *       caller says so (Flink's {@code --allowNonRestoredState});
 *   <li>changed with a new version: a new uid, so it starts with fresh partial matches and the
 *       old version's state is dropped (the point of bumping {@code version});
 *   <li>changed without a version bump: refused. The restored partial matches were made by the
 *       old pattern and would be continued by the new one.
 * </ul>
 *
 * <p>"Changed" compares the rule files as YAML documents: formatting, comments, key order and
 * quoting do not count, and neither does {@code description}; every other key does.
 */
public final class RuleSetDiff {

  /** What happens to one rule. */
  public enum Kind {
    UNCHANGED,
    ADDED,
    REMOVED,
    NEW_VERSION,
    CHANGED_WITHOUT_VERSION_BUMP
  }

  /**
   * One rule's outcome. {@code changedKeys} are the top-level keys whose content differs (for
   * the changed kinds).
   */
  public record Entry(String id, Kind kind, Integer oldVersion, Integer newVersion,
      List<String> changedKeys) {

    public Entry {
      changedKeys = List.copyOf(changedKeys);
    }
  }

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  /** Keys that do not change what a rule does. */
  private static final List<String> IGNORED_KEYS = List.of("description");

  private final List<Entry> entries;

  private RuleSetDiff(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /**
   * Compares two rule directories (as deployed and as proposed). Throws
   * {@link io.journeyflow.patterns.RuleValidationException} if either holds an invalid rule.
   */
  public static RuleSetDiff of(Path oldDir, Path newDir) {
    return of(RuleLoader.load(oldDir), RuleLoader.load(newDir));
  }

  /** Compares two loaded rule sets; each rule's content is read from its source file. */
  public static RuleSetDiff of(RuleSet oldRules, RuleSet newRules) {
    Map<String, Rule> before = byId(oldRules);
    Map<String, Rule> after = byId(newRules);
    TreeSet<String> ids = new TreeSet<>(before.keySet());
    ids.addAll(after.keySet());
    List<Entry> entries = new ArrayList<>();
    for (String id : ids) {
      Rule o = before.get(id);
      Rule n = after.get(id);
      if (o == null) {
        entries.add(new Entry(id, Kind.ADDED, null, n.version(), List.of()));
      } else if (n == null) {
        entries.add(new Entry(id, Kind.REMOVED, o.version(), null, List.of()));
      } else {
        List<String> changed = changedKeys(content(o), content(n));
        Kind kind;
        if (o.version() != n.version()) {
          kind = Kind.NEW_VERSION;
        } else if (changed.isEmpty()) {
          kind = Kind.UNCHANGED;
        } else {
          kind = Kind.CHANGED_WITHOUT_VERSION_BUMP;
        }
        entries.add(new Entry(id, kind, o.version(), n.version(), changed));
      }
    }
    return new RuleSetDiff(entries);
  }

  /** Every rule, sorted by id. */
  public List<Entry> entries() {
    return entries;
  }

  public List<Entry> entries(Kind kind) {
    return entries.stream().filter(e -> e.kind() == kind).toList();
  }

  /** Whether the change must be refused (see the class comment). */
  public boolean refused(boolean allowRemoved) {
    return !entries(Kind.CHANGED_WITHOUT_VERSION_BUMP).isEmpty()
        || (!allowRemoved && !entries(Kind.REMOVED).isEmpty());
  }

  /**
   * Whether the savepoint holds state that the new job will not restore (a removed rule, or the
   * old version of a rule with a new version): the restart needs {@code --allowNonRestoredState}.
   */
  public boolean dropsState() {
    return !entries(Kind.REMOVED).isEmpty() || !entries(Kind.NEW_VERSION).isEmpty();
  }

  /**
   * The report: one line per added, removed or changed rule, then a verdict line starting with
   * {@code ok:} or {@code refused:}.
   */
  public void print(PrintStream out, boolean allowRemoved) {
    for (Entry e : entries) {
      switch (e.kind()) {
        case UNCHANGED -> { }
        case ADDED -> out.printf("added: %s v%d (new operator %s, starts empty)%n", e.id(),
            e.newVersion(), Uids.rule(e.id(), e.newVersion()));
        case REMOVED -> out.printf("removed: %s v%d (its partial matches in operator %s are"
            + " dropped%s)%n", e.id(), e.oldVersion(), Uids.rule(e.id(), e.oldVersion()),
            allowRemoved ? "" : "; allow with --allow-removed-rules");
        case NEW_VERSION -> out.printf("changed with new version: %s v%d -> v%d%s (operator %s"
            + " starts with fresh partial matches; %s is dropped)%n", e.id(), e.oldVersion(),
            e.newVersion(), e.changedKeys().isEmpty() ? "" : ", changed " + keys(e),
            Uids.rule(e.id(), e.newVersion()), Uids.rule(e.id(), e.oldVersion()));
        case CHANGED_WITHOUT_VERSION_BUMP -> out.printf("changed without version bump: %s v%d,"
            + " changed %s: REFUSED. Its partial matches were made by the old pattern and would"
            + " be continued by the new one. Bump 'version' (to %d) so that the rule starts"
            + " with fresh partial matches.%n", e.id(), e.oldVersion(), keys(e),
            e.oldVersion() + 1);
        default -> throw new IllegalStateException(e.kind().toString());
      }
    }
    String summary = String.format("%d added, %d removed, %d with a new version, %d changed"
        + " without version bump, %d unchanged", entries(Kind.ADDED).size(),
        entries(Kind.REMOVED).size(), entries(Kind.NEW_VERSION).size(),
        entries(Kind.CHANGED_WITHOUT_VERSION_BUMP).size(), entries(Kind.UNCHANGED).size());
    if (refused(allowRemoved)) {
      out.println("refused: " + summary);
    } else {
      out.println("ok: " + summary + (dropsState() ? " (restart with --allowNonRestoredState)"
          : ""));
    }
  }

  private static String keys(Entry e) {
    return String.join(", ", e.changedKeys());
  }

  private static Map<String, Rule> byId(RuleSet rules) {
    Map<String, Rule> m = new TreeMap<>();
    rules.rules().forEach(r -> m.put(r.id(), r));
    return m;
  }

  /** The rule's file as a YAML tree without the keys that do not count. */
  private static ObjectNode content(Rule rule) {
    try {
      String text = Files.readString(Path.of(rule.sourceFile()), StandardCharsets.UTF_8);
      JsonNode tree = YAML.readTree(text);
      if (!(tree instanceof ObjectNode object)) {
        throw new IllegalStateException(rule.sourceFile() + ": not a YAML mapping");
      }
      IGNORED_KEYS.forEach(object::remove);
      return object;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + rule.sourceFile(), e);
    }
  }

  /** Top-level keys whose values differ, in the new file's order, then removed keys. */
  private static List<String> changedKeys(ObjectNode before, ObjectNode after) {
    List<String> changed = new ArrayList<>();
    for (Iterator<String> it = after.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!after.get(key).equals(before.get(key))) {
        changed.add(key);
      }
    }
    for (Iterator<String> it = before.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!after.has(key)) {
        changed.add(key);
      }
    }
    changed.remove("version");
    return changed;
  }
}
