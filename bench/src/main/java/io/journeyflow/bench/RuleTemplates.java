package io.journeyflow.bench;

import io.journeyflow.patterns.RuleLoader;
import io.journeyflow.patterns.RuleSet;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * N rules made from the starter library's shapes (patterns/rules/, bundled on the classpath):
 * rule {@code k} takes starter {@code k mod 7}. The first copy of each shape is the starter as it
 * is; later copies get a unique id ({@code <starter>-b<k>}) and their first step listens to a
 * different event type of the generator's mix, so that rules spread over the traffic as real
 * rule sets do instead of all watching the same two types. The YAML goes to a directory and is
 * loaded with {@link RuleLoader}, exactly as the job loads rules.
 */
public final class RuleTemplates {

  /** Trigger types given to later copies, in turn (busy and quiet ones mixed). */
  static final String[] TRIGGERS = {
    "product.viewed", "login.succeeded", "invoice.issued", "app.opened", "search.performed",
    "email.clicked", "wishlist.added", "password.reset", "plan.changed", "device.registered",
    "subscription.renewed", "review.posted", "survey.completed", "notification.dismissed",
    "email.opened", "payment.succeeded", "page.viewed"
  };

  private static final Pattern ID = Pattern.compile("(?m)^id:\\s*(\\S+)\\s*$");
  // The first step's event types: the first "eventTypes: [...]" line of the file.
  private static final Pattern FIRST_TYPES = Pattern.compile("eventTypes:\\s*\\[[^\\]]*\\]");

  private RuleTemplates() {}

  /** The starter rule files (name -> YAML), in index order. */
  public static List<String[]> starters() {
    List<String[]> out = new ArrayList<>();
    for (String line : read(RuleLoader.CLASSPATH_DIR + "index.txt").split("\n")) {
      String name = line.trim();
      if (!name.isEmpty() && !name.startsWith("#")) {
        out.add(new String[] {name, read(RuleLoader.CLASSPATH_DIR + name)});
      }
    }
    return out;
  }

  /** Writes {@code n} rules into {@code dir} (created if needed) and loads them. */
  public static RuleSet generate(int n, Path dir) throws IOException {
    if (n < 1) {
      throw new IllegalArgumentException("at least one rule, got " + n);
    }
    Files.createDirectories(dir);
    List<String[]> starters = starters();
    for (int k = 0; k < n; k++) {
      String[] starter = starters.get(k % starters.size());
      int copy = k / starters.size();
      String yaml = starter[1];
      String name = starter[0];
      if (copy > 0) {
        Matcher id = ID.matcher(yaml);
        if (!id.find()) {
          throw new IllegalStateException("no id in " + name);
        }
        String newId = id.group(1) + "-b" + k;
        yaml = id.replaceFirst("id: " + newId);
        String trigger = TRIGGERS[(k - starters.size()) % TRIGGERS.length];
        yaml = FIRST_TYPES.matcher(yaml).replaceFirst("eventTypes: [" + trigger + "]");
        name = newId + ".yaml";
      }
      Files.writeString(dir.resolve(name), yaml, StandardCharsets.UTF_8);
    }
    return RuleLoader.load(dir);
  }

  private static String read(String resource) {
    try (InputStream in = RuleTemplates.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
