package io.journeyflow.jobs.operators;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What may appear in logs about a customer: a short hash of the customer id, never the id,
 * an identifier or an event attribute. The same id always gives the same hash, so an operator
 * can follow one customer through the logs and, given the id, find its lines.
 */
public final class LogSafe {

  private LogSafe() {}

  /** {@code cust#} and the first 12 hex digits of the id's SHA-256. */
  public static String customer(String customerId) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(customerId.getBytes(StandardCharsets.UTF_8));
      return "cust#" + HexFormat.of().formatHex(digest, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
