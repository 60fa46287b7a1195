package io.journeyflow.patterns;

import io.journeyflow.patterns.yaml.YamlNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Loads rule files (one rule per {@code *.yaml}; {@code *.test.yaml} are fixtures) and
 * validates all of them, reporting every error of every file at once.
 */
public final class RuleLoader {

  /** Where the bundled starter library sits on the classpath. */
  public static final String CLASSPATH_DIR = "journeyflow/rules/";

  private RuleLoader() {}

  /** The rules that are valid and the errors of the others, without throwing. */
  public record Checked(List<Rule> rules, List<RuleError> errors) {}

  /** All rules of a directory; throws {@link RuleValidationException} listing every error. */
  public static RuleSet load(Path dir) {
    Checked checked = check(dir);
    if (!checked.errors().isEmpty()) {
      throw new RuleValidationException(checked.errors());
    }
    return new RuleSet(checked.rules());
  }

  /** Every rule file of a directory, checked: valid rules and all errors. */
  public static Checked check(Path dir) {
    if (!Files.isDirectory(dir)) {
      return new Checked(List.of(),
          List.of(new RuleError(dir.toString(), 1, 1, "rule directory does not exist", null)));
    }
    Map<String, String> files = new LinkedHashMap<>();
    try (Stream<Path> paths = Files.list(dir)) {
      for (Path p : paths.filter(RuleLoader::isRuleFile).sorted().toList()) {
        files.put(p.toString(), Files.readString(p, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read rules from " + dir, e);
    }
    return checkAll(files);
  }

  /** The starter library bundled in this jar. */
  public static RuleSet loadFromClasspath() {
    Map<String, String> files = new LinkedHashMap<>();
    for (String name : read(CLASSPATH_DIR + "index.txt").lines().map(String::trim)
        .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList()) {
      files.put(CLASSPATH_DIR + name, read(CLASSPATH_DIR + name));
    }
    return parseAll(files);
  }

  /** One rule from text (tests, tools). */
  public static Rule parse(String fileName, String yaml) {
    return parseAll(Map.of(fileName, yaml)).rules().get(0);
  }

  /** Rules from file name -> text; ids must be unique across all of them. */
  public static RuleSet parseAll(Map<String, String> files) {
    Checked checked = checkAll(files);
    if (!checked.errors().isEmpty()) {
      throw new RuleValidationException(checked.errors());
    }
    return new RuleSet(checked.rules());
  }

  static Checked checkAll(Map<String, String> files) {
    List<RuleError> errors = new ArrayList<>();
    List<Rule> rules = new ArrayList<>();
    Map<String, String> fileById = new HashMap<>();
    for (Map.Entry<String, String> file : files.entrySet()) {
      Rule rule = RuleParser.parse(file.getKey(), file.getValue(), errors);
      if (rule == null) {
        continue;
      }
      String other = fileById.putIfAbsent(rule.id(), file.getKey());
      if (other != null) {
        YamlNode at = RuleParser.idNode(file.getValue());
        errors.add(new RuleError(file.getKey(), at == null ? 1 : at.line(),
            at == null ? 1 : at.column(), "duplicate rule id '" + rule.id() + "'",
            "also defined in " + other));
      } else {
        rules.add(rule);
      }
    }
    return new Checked(rules, errors);
  }

  static boolean isRuleFile(Path p) {
    String name = p.getFileName().toString();
    return (name.endsWith(".yaml") || name.endsWith(".yml")) && !name.endsWith(".test.yaml")
        && Files.isRegularFile(p);
  }

  private static String read(String resource) {
    try (InputStream in = RuleLoader.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
