package io.journeyflow.jobs.decisions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.journeyflow.patterns.Durations;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads and checks a policy file; every problem is reported, none is guessed around. */
public final class PolicyLoader {

  /** The bundled defaults, a copy of config/policies.yaml. */
  public static final String CLASSPATH = "journeyflow/policies.yaml";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> PURPOSES = Set.of("marketing", "service", "transactional");
  private static final List<String> SECTIONS = List.of("version", "defaults", "suppression",
      "frequencyCaps", "quietHours", "arbitration", "approval");

  private PolicyLoader() {}

  public static Policies load(Path file) throws IOException {
    return parse(file.toString(), Files.readString(file));
  }

  public static Policies loadDefault() throws IOException {
    try (InputStream in = PolicyLoader.class.getClassLoader().getResourceAsStream(CLASSPATH)) {
      if (in == null) {
        throw new IOException("missing resource " + CLASSPATH);
      }
      return parse(CLASSPATH, new String(in.readAllBytes(),
          java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  /** Throws {@link IllegalArgumentException} listing every problem of the text. */
  public static Policies parse(String name, String text) throws IOException {
    JsonNode root = YAML.readTree(text);
    List<String> problems = new ArrayList<>();
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(name + ": a policy file must be a mapping");
    }
    root.fieldNames().forEachRemaining(key -> {
      if (!SECTIONS.contains(key)) {
        problems.add("unknown key '" + key + "' (known: " + SECTIONS + ")");
      }
    });
    for (String list : List.of("frequencyCaps", "quietHours")) {
      if (root.has(list) && !root.get(list).isArray()) {
        problems.add("'" + list + "' must be a list");
      }
    }
    String version = root.path("version").asText("");
    if (version.isBlank()) {
      problems.add("'version' is required (it is recorded in every decision)");
    }
    JsonNode defaults = root.path("defaults");
    String zone = defaults.path("timeZone").asText("UTC");
    try {
      ZoneId.of(zone);
    } catch (DateTimeException e) {
      problems.add("defaults.timeZone: unknown time zone '" + zone + "'");
    }
    List<String> channels = new ArrayList<>();
    defaults.path("channelPreferences").forEach(c -> channels.add(c.asText()));
    Map<String, Boolean> consent = new LinkedHashMap<>();
    defaults.path("consent").fields().forEachRemaining(e -> {
      if (!PURPOSES.contains(e.getKey())) {
        problems.add("defaults.consent: unknown purpose '" + e.getKey() + "'");
      } else if (!e.getValue().isBoolean()) {
        problems.add("defaults.consent." + e.getKey() + " must be true or false");
      } else {
        consent.put(e.getKey(), e.getValue().booleanValue());
      }
    });
    for (String purpose : PURPOSES) {
      consent.putIfAbsent(purpose, !purpose.equals("marketing"));
    }
    Map<String, String> scopes = new LinkedHashMap<>();
    root.path("suppression").fields().forEachRemaining(e -> {
      if (!PURPOSES.contains(e.getKey())) {
        problems.add("suppression: unknown purpose '" + e.getKey() + "'");
      }
      scopes.put(e.getKey(), e.getValue().asText());
    });
    List<Policies.Cap> caps = new ArrayList<>();
    int i = 0;
    for (JsonNode cap : root.path("frequencyCaps")) {
      String where = "frequencyCaps[" + i++ + "]";
      String purpose = cap.path("purpose").asText("any");
      String channel = cap.path("channel").asText("any");
      int max = cap.path("max").asInt(-1);
      String per = cap.path("per").asText("");
      if (!purpose.equals("any") && !PURPOSES.contains(purpose)) {
        problems.add(where + ": unknown purpose '" + purpose + "'");
      }
      if (max < 0) {
        problems.add(where + ": 'max' must be a whole number >= 0");
      }
      boolean calendarDay = per.equals("calendar-day");
      Duration window = calendarDay ? null : Durations.parse(per);
      if (!calendarDay && (window == null || window.isZero())) {
        problems.add(where + ": bad 'per' '" + per + "' (a duration such as 7d, or"
            + " calendar-day)");
      }
      caps.add(new Policies.Cap(purpose, channel, max, window, calendarDay));
    }
    List<Policies.QuietHours> quiet = new ArrayList<>();
    i = 0;
    for (JsonNode q : root.path("quietHours")) {
      String where = "quietHours[" + i++ + "]";
      Set<String> qChannels = new java.util.TreeSet<>();
      q.path("channels").forEach(c -> qChannels.add(c.asText()));
      Set<String> qPurposes = new java.util.TreeSet<>();
      q.path("purposes").forEach(c -> qPurposes.add(c.asText()));
      if (qPurposes.isEmpty()) {
        qPurposes.addAll(PURPOSES);
      }
      for (String purpose : qPurposes) {
        if (!PURPOSES.contains(purpose)) {
          problems.add(where + ": unknown purpose '" + purpose + "'");
        }
      }
      if (qChannels.isEmpty()) {
        problems.add(where + ": 'channels' must list at least one channel");
      }
      try {
        java.time.LocalTime from = java.time.LocalTime.parse(q.path("from").asText(""));
        java.time.LocalTime to = java.time.LocalTime.parse(q.path("to").asText(""));
        if (from.equals(to)) {
          problems.add(where + ": 'from' and 'to' must differ");
        }
        quiet.add(new Policies.QuietHours(Set.copyOf(qChannels), Set.copyOf(qPurposes), from,
            to));
      } catch (java.time.format.DateTimeParseException e) {
        problems.add(where + ": 'from' and 'to' must be local times such as \"21:00\"");
      }
    }
    String windowText = root.path("arbitration").path("window").asText("0s");
    Duration window = windowText.matches("0+[a-z]*") ? Duration.ZERO
        : Durations.parse(windowText);
    if (window == null) {
      problems.add("arbitration.window: bad duration '" + windowText + "'");
    }
    String expiryText = root.path("approval").path("expiry").asText("48h");
    Duration expiry = Durations.parse(expiryText);
    if (expiry == null || expiry.isZero()) {
      problems.add("approval.expiry: bad duration '" + expiryText + "'");
    }
    List<Policies.ApprovalRule> approvals = new ArrayList<>();
    i = 0;
    for (JsonNode a : root.path("approval").path("when")) {
      String where = "approval.when[" + i++ + "]";
      String parameter = a.path("parameter").asText("");
      if (parameter.isBlank() || !a.path("above").isNumber()) {
        problems.add(where + ": needs 'parameter' and a numeric 'above'");
        continue;
      }
      approvals.add(new Policies.ApprovalRule(a.path("actionType").asText("any"), parameter,
          a.path("above").asDouble()));
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(name + ": " + String.join("; ", problems));
    }
    return new Policies(version, zone, List.copyOf(channels), Map.copyOf(consent),
        Map.copyOf(scopes), List.copyOf(caps), List.copyOf(quiet), window, expiry,
        List.copyOf(approvals));
  }
}
