package io.journeyflow.jobs.decisions;

import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.internal.CustomerProfile;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps a customer's profile from their events: {@code profile.updated} (attributes
 * {@code timeZone}, {@code channelPreferences} as "email,sms") and {@code consent.changed}
 * (attributes {@code channel} (or * for all), {@code purpose}, {@code granted}).
 */
public final class Profiles {

  public static final String PROFILE_UPDATED = "profile.updated";
  public static final String CONSENT_CHANGED = "consent.changed";

  private Profiles() {}

  /** Whether the event changes a profile. */
  public static boolean updates(CustomerEvent e) {
    return e.getEventType().equals(PROFILE_UPDATED) || e.getEventType().equals(CONSENT_CHANGED);
  }

  /** The profile after the event (a new object; {@code current} may be null). */
  /**
   * A customer's profile after absorbing another's (identity resolution): what the survivor
   * said wins; the absorbed customer fills what it never said.
   */
  public static CustomerProfile fill(CustomerProfile survivor, CustomerProfile absorbed) {
    if (survivor == null) {
      return CustomerProfile.newBuilder(absorbed).build();
    }
    CustomerProfile p = CustomerProfile.newBuilder(survivor).build();
    if (p.getTimeZone() == null) {
      p.setTimeZone(absorbed.getTimeZone());
    }
    if (p.getChannelPreferences().isEmpty()) {
      p.setChannelPreferences(new ArrayList<>(absorbed.getChannelPreferences()));
    }
    Map<String, Boolean> consent = new HashMap<>(absorbed.getConsent());
    consent.putAll(p.getConsent());
    p.setConsent(consent);
    return p;
  }

  public static CustomerProfile apply(CustomerProfile current, CustomerEvent e) {
    CustomerProfile p = current == null
        ? new CustomerProfile(null, new ArrayList<>(), new HashMap<>())
        : CustomerProfile.newBuilder(current).build();
    Map<String, Object> a = e.getAttributes();
    if (e.getEventType().equals(PROFILE_UPDATED)) {
      if (a.get("timeZone") instanceof String tz) {
        p.setTimeZone(tz);
      }
      if (a.get("channelPreferences") instanceof String prefs) {
        List<String> channels = new ArrayList<>();
        for (String c : prefs.split(",")) {
          if (!c.isBlank()) {
            channels.add(c.trim());
          }
        }
        p.setChannelPreferences(channels);
      }
    } else if (a.get("purpose") instanceof String purpose
        && a.get("granted") instanceof Boolean granted) {
      Object channel = a.get("channel");
      Map<String, Boolean> consent = new HashMap<>(p.getConsent());
      consent.put((channel instanceof String c ? c : "*") + "/" + purpose, granted);
      p.setConsent(consent);
    }
    return p;
  }
}
