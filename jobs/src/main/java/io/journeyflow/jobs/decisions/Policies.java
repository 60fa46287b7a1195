package io.journeyflow.jobs.decisions;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The decision policies in force (see config/policies.yaml for their meaning). */
public record Policies(
    String version,
    String defaultTimeZone,
    List<String> defaultChannels,
    Map<String, Boolean> defaultConsent,
    Map<String, String> suppressionScopes,
    List<Cap> caps)
    implements Serializable {

  /** At most {@code max} actions of a purpose on a channel per window or calendar day. */
  public record Cap(String purpose, String channel, int max, Duration per, boolean calendarDay)
      implements Serializable {

    public boolean appliesTo(String actionPurpose, String actionChannel) {
      return (purpose.equals("any") || purpose.equals(actionPurpose))
          && (channel.equals("any") || channel.equals(actionChannel));
    }

    public String describe() {
      return max + " per " + (calendarDay ? "calendar day" : per.toString().substring(2)
          .toLowerCase());
    }

    public String key() {
      return "cap." + purpose + "." + channel + "." + (calendarDay ? "calendar-day"
          : per.toString().substring(2).toLowerCase());
    }
  }

  /** The policies a job config names, or the bundled defaults; invalid ones stop the job. */
  public static Policies from(org.apache.flink.configuration.ReadableConfig config) {
    try {
      return config.getOptional(io.journeyflow.jobs.config.JobOptions.POLICIES_FILE)
          .isPresent()
          ? PolicyLoader.load(java.nio.file.Path.of(
              config.get(io.journeyflow.jobs.config.JobOptions.POLICIES_FILE)))
          : PolicyLoader.loadDefault();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot read policies", e);
    }
  }

  /** The longest window any cap looks back over: older sends can be forgotten. */
  public Duration longestWindow() {
    Duration longest = Duration.ofDays(2); // a calendar day in any time zone fits in two
    for (Cap cap : caps) {
      if (!cap.calendarDay() && cap.per().compareTo(longest) > 0) {
        longest = cap.per();
      }
    }
    return longest;
  }
}
