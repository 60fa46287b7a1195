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
    List<Cap> caps,
    List<QuietHours> quietHours,
    Duration arbitrationWindow,
    Duration approvalExpiry,
    List<ApprovalRule> approvalRules)
    implements Serializable {

  /** No actions of these purposes on these channels between two local times of day. */
  public record QuietHours(
      java.util.Set<String> channels, java.util.Set<String> purposes, java.time.LocalTime from,
      java.time.LocalTime to)
      implements Serializable {

    public boolean appliesTo(String purpose, String channel) {
      return channels.contains(channel) && purposes.contains(purpose);
    }

    /** Whether a local time falls in the window (which may cross midnight). */
    public boolean contains(java.time.LocalTime t) {
      return from.isBefore(to) ? !t.isBefore(from) && t.isBefore(to)
          : !t.isBefore(from) || t.isBefore(to);
    }

    /** The first instant at or after {@code now} at which the window ends, in {@code zone}. */
    public java.time.Instant end(java.time.Instant now, java.time.ZoneId zone) {
      java.time.ZonedDateTime local = now.atZone(zone);
      java.time.LocalDate day = local.toLocalDate();
      if (!local.toLocalTime().isBefore(to)) {
        day = day.plusDays(1); // evening part of a window that crosses midnight
      }
      // ZonedDateTime.of moves a time in a DST gap forward and picks the earlier offset in an
      // overlap: the window ends at the first moment the local clock shows `to`, or later.
      return java.time.ZonedDateTime.of(day, to, zone).toInstant();
    }

    public String describe() {
      return from + "-" + to + " local on " + channels + " for " + purposes;
    }
  }

  /** Actions of a type whose numeric parameter is above a threshold need a person's approval. */
  public record ApprovalRule(String actionType, String parameter, double above)
      implements Serializable {

    public boolean applies(io.journeyflow.schema.Action a) {
      if (!actionType.equals("any") && !actionType.equals(a.getActionType())) {
        return false;
      }
      String value = a.getParameters().get(parameter);
      try {
        return value != null && Double.parseDouble(value) > above;
      } catch (NumberFormatException e) {
        return false;
      }
    }

    public String describe() {
      return actionType + " with " + parameter + " above " + above;
    }
  }

  /** The approval rule that holds this action, or null. */
  public ApprovalRule approvalRule(io.journeyflow.schema.Action a) {
    for (ApprovalRule rule : approvalRules) {
      if (rule.applies(a)) {
        return rule;
      }
    }
    return null;
  }

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
