package io.journeyflow.patterns;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as rule authors write them: {@code 90m}, {@code 48h}, {@code 2d12h}, or ISO-8601. */
public final class Durations {

  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");
  private static final Pattern WHOLE = Pattern.compile("[+]?((\\d+)(ms|s|m|h|d))+");

  private Durations() {}

  /** The duration, or null if the text is not one. */
  public static Duration parse(String text) {
    if (text == null) {
      return null;
    }
    String t = text.trim();
    if (t.startsWith("P") || t.startsWith("p")) {
      try {
        return Duration.parse(t.toUpperCase());
      } catch (DateTimeParseException e) {
        return null;
      }
    }
    if (!WHOLE.matcher(t).matches()) {
      return null;
    }
    Duration total = Duration.ZERO;
    Matcher m = PART.matcher(t);
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      total = total.plus(
          switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
          });
    }
    return total;
  }

  public static final String HINT = "write e.g. 30m, 48h, 7d, 2d12h or ISO-8601 PT48H";
}
