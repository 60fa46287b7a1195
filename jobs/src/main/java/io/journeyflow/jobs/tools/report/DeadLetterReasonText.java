package io.journeyflow.jobs.tools.report;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Turns a dead letter's error into a reason that many dead letters share: the details that
 * differ from record to record (times, quoted values, ids, offsets, line and column numbers)
 * are replaced by placeholders, so that "offset 17" and "offset 4711" count as one reason.
 */
public final class DeadLetterReasonText {

  private DeadLetterReasonText() {}

  private static final List<Rule> RULES = List.of(
      // ISO-8601 instants and dates: 2026-11-02T09:00:00Z, 2026-11-02T09:00:00.123+01:00
      new Rule("\\b\\d{4}-\\d{2}-\\d{2}(?:[T ]\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d+)?)?"
          + "(?:Z|[+-]\\d{2}:?\\d{2})?)?\\b", "<time>"),
      // UUIDs and long hex strings (hashes, fingerprints)
      new Rule("\\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\b",
          "<id>"),
      new Rule("\\b(?:0x)?[0-9a-fA-F]{12,}\\b", "<id>"),
      // Kafka coordinates: topic/partition@offset
      new Rule("[\\w.-]+/\\d+@\\d+", "<topic/partition@offset>"),
      // a value after a word that names a volatile thing: offset 17, eventId=e-1, line: 3
      new Rule("(?i)\\b(offset|partition|line|column|col|position|pos|eventId|actionId|"
          + "customerId|id|key)(\\s*[:=]\\s*|\\s+)(?=[\\w-]*\\d)[\\w.#-]+", "$1$2#"),
      // quoted values right after a word ("occurredAt 'soon'", "token 'this'"); a quoted name
      // that starts a clause ("'version' is required", "[0]: 'max' must ...") is kept
      new Rule("(?<=[\\w)] )'[^'\\n]{0,200}?'(?=$|[\\s)\\]},.;:])", "'\u2026'"),
      new Rule("(?<=[\\w)] )\"[^\"\\n]{0,200}?\"(?=$|[\\s)\\]},.;:])", "\"\u2026\""),
      // ids such as e-17, inv-7 (lowercase, so ISO-8601 stays), then plain numbers
      new Rule("(?<![\\w#<-])[a-z][\\w#]*-\\d[\\w-]*", "<id>"),
      new Rule("(?<![\\w.<-])-?\\d+(?:\\.\\d+)?(?![\\w>])", "#"));

  private record Rule(Pattern pattern, String replacement) {
    Rule(String regex, String replacement) {
      this(Pattern.compile(regex), replacement);
    }
  }

  /** The error with its volatile details replaced; blank or null gives "(no error text)". */
  public static String normalize(String error) {
    if (error == null || error.isBlank()) {
      return "(no error text)";
    }
    String text = error.strip().replaceAll("\\s+", " ");
    for (Rule rule : RULES) {
      text = rule.pattern.matcher(text).replaceAll(rule.replacement);
    }
    return text.length() > 300 ? text.substring(0, 299) + "\u2026" : text;
  }
}
