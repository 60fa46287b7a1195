package io.journeyflow.jobs.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;

/**
 * Reads a job config file (YAML, nested or dotted keys, like Flink's own config.yaml) plus
 * {@code key=value} overrides into one Flink {@link Configuration}: Journeyflow's options and
 * Flink's (checkpointing, state backend, parallelism) side by side.
 */
public final class ConfigFiles {

  private ConfigFiles() {}

  public static Configuration load(Path file, List<String> overrides) throws IOException {
    Map<String, String> flat = new LinkedHashMap<>();
    if (file != null) {
      JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
      if (root != null && !root.isMissingNode() && !root.isNull()) {
        if (!root.isObject()) {
          throw new IOException(file + ": a config file must be a mapping of keys to values");
        }
        flatten("", root, flat);
      }
    }
    for (String override : overrides) {
      int eq = override.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("override '" + override + "' is not key=value");
      }
      flat.put(override.substring(0, eq).trim(), override.substring(eq + 1).trim());
    }
    return Configuration.fromMap(flat);
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        String key = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
        flatten(key, field.getValue(), out);
      }
    } else if (node.isArray()) {
      List<String> items = new ArrayList<>();
      node.forEach(item -> items.add(item.asText()));
      // Flink parses list-typed options from ';'-separated strings.
      out.put(prefix, String.join(";", items));
    } else if (!node.isNull()) {
      out.put(prefix, node.asText());
    }
  }
}
