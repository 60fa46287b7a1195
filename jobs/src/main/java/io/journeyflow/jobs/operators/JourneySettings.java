package io.journeyflow.jobs.operators;

import io.journeyflow.jobs.config.JobOptions;
import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.configuration.ReadableConfig;

/**
 * How {@link JourneyFunction} keeps and measures journeys.
 *
 * @param tombstoneTtl how long an erased customer is remembered
 * @param maxRecentEvents recent events carried in each action's context
 * @param maxRecentAge older recent events leave the context
 * @param idleTtl state of customers idle this long is dropped
 * @param holdoutSalt salt of the holdout assignment
 * @param repeatContactWindow a contact this soon after an action is a repeat contact
 */
public record JourneySettings(
    Duration tombstoneTtl,
    int maxRecentEvents,
    Duration maxRecentAge,
    Duration idleTtl,
    String holdoutSalt,
    Duration repeatContactWindow)
    implements Serializable {

  public static JourneySettings from(ReadableConfig config) {
    return new JourneySettings(
        config.get(JobOptions.ERASURE_TOMBSTONE_TTL),
        config.get(JobOptions.CONTEXT_MAX_EVENTS),
        config.get(JobOptions.CONTEXT_MAX_AGE),
        config.get(JobOptions.CUSTOMER_IDLE_TTL),
        config.get(JobOptions.HOLDOUT_SALT),
        config.get(JobOptions.REPEAT_CONTACT_WINDOW));
  }
}
