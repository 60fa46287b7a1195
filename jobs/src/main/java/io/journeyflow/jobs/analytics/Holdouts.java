package io.journeyflow.jobs.analytics;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Holdout assignment: a pure function of the salt, the rule id and the customer id, so a
 * customer stays in the same group across restarts, rescaling and replays. The first 8 bytes
 * of SHA-256("salt\nruleId\ncustomerId"), as an unsigned number modulo 1,000,000, pick one of a
 * million buckets; buckets below {@code percent * 10,000} are held out. Each rule gets its own
 * independent split; changing the salt reshuffles every rule.
 */
public final class Holdouts {

  static final int BUCKETS = 1_000_000;

  private Holdouts() {}

  public static boolean heldOut(String salt, String ruleId, String customerId, double percent) {
    return bucket(salt, ruleId, customerId) < percent * (BUCKETS / 100.0);
  }

  static int bucket(String salt, String ruleId, String customerId) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest((salt + "\n" + ruleId + "\n" + customerId).getBytes(StandardCharsets.UTF_8));
      return (int) Long.remainderUnsigned(ByteBuffer.wrap(digest).getLong(), BUCKETS);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
