package io.journeyflow.patterns.yaml;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads YAML into {@link YamlNode}s that remember positions (Jackson's tree model forgets them).
 */
public final class YamlReader {

  private static final YAMLFactory FACTORY = new YAMLFactory();
  /** SnakeYAML's position lines: " in 'reader', line 3, column 8:". */
  private static final Pattern MARK =
      Pattern.compile("\\s*in '[^']*', line (\\d+), column (\\d+):?\\s*");

  private YamlReader() {}

  /** Thrown for YAML that is not well-formed, with the position the parser stopped at. */
  public static final class SyntaxError extends Exception {
    private final int line;
    private final int column;

    SyntaxError(String message, int line, int column) {
      super(message);
      this.line = line;
      this.column = column;
    }

    public int line() {
      return line;
    }

    public int column() {
      return column;
    }
  }

  /** The document's root, or null for an empty document. */
  public static YamlNode read(String text) throws SyntaxError {
    try (JsonParser parser = FACTORY.createParser(text)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        return null;
      }
      YamlNode root = node(parser);
      if (parser.nextToken() != null) {
        JsonLocation at = parser.currentTokenLocation();
        throw new SyntaxError("more than one YAML document", at.getLineNr(), at.getColumnNr());
      }
      return root;
    } catch (JsonProcessingException e) {
      throw syntaxError(e);
    } catch (IOException e) {
      throw new SyntaxError("cannot read YAML: " + e.getMessage(), 1, 1);
    }
  }

  /**
   * SnakeYAML's message has a context ("while parsing a flow sequence"), a problem ("expected
   * ',' or ']'") and a mark for each; the problem's mark is where the author must look.
   */
  private static SyntaxError syntaxError(JsonProcessingException e) {
    String original = e.getOriginalMessage() == null ? "invalid YAML" : e.getOriginalMessage();
    List<String> parts = new ArrayList<>();
    int line = -1;
    int column = -1;
    for (String text : original.lines().toList()) {
      Matcher mark = MARK.matcher(text);
      if (mark.matches()) {
        line = Integer.parseInt(mark.group(1));
        column = Integer.parseInt(mark.group(2));
      } else if (!text.isBlank() && !Character.isWhitespace(text.charAt(0))) {
        parts.add(text.trim());
      }
    }
    if (line < 0) {
      JsonLocation at = e.getLocation();
      line = at == null ? 1 : at.getLineNr();
      column = at == null ? 1 : at.getColumnNr();
    }
    String message = parts.isEmpty() ? "invalid YAML" : String.join(": ", parts);
    return new SyntaxError("YAML syntax error: " + message, Math.max(1, line),
        Math.max(1, column));
  }

  private static YamlNode node(JsonParser p) throws IOException, SyntaxError {
    JsonLocation at = p.currentTokenLocation();
    int line = at.getLineNr();
    int column = at.getColumnNr();
    JsonToken token = p.currentToken();
    switch (token) {
      case START_OBJECT: {
        Map<String, YamlNode.Entry> entries = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          JsonLocation keyAt = p.currentTokenLocation();
          String key = p.currentName();
          if (entries.containsKey(key)) {
            throw new SyntaxError(
                "duplicate key '" + key + "'", keyAt.getLineNr(), keyAt.getColumnNr());
          }
          p.nextToken();
          entries.put(
              key,
              new YamlNode.Entry(key, keyAt.getLineNr(), keyAt.getColumnNr(), node(p)));
        }
        return new YamlNode.Mapping(entries, line, column);
      }
      case START_ARRAY: {
        List<YamlNode> items = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          items.add(node(p));
        }
        return new YamlNode.Sequence(items, line, column);
      }
      case VALUE_NULL:
        return new YamlNode.Scalar(null, false, line, column);
      case VALUE_STRING:
        return new YamlNode.Scalar(p.getText(), true, line, column);
      default:
        return new YamlNode.Scalar(p.getText(), false, line, column);
    }
  }
}
