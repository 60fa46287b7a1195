package io.journeyflow.jobs.operators;

/**
 * What every timer of the decision operator checks, as one small value per customer: when the
 * earliest open suppression ends and since when the oldest action awaits approval.
 *
 * <p>Without it each timer asked the maps of open suppressions and waiting actions whether they
 * were empty, and on RocksDB that opens an iterator, which also steps over the deletion marker
 * of every entry the map ever held: a cost per event that grows with the customer's history.
 * A policy update may change the approval expiry, so the value keeps the decision time rather
 * than the expiry.
 */
final class TimerChecks {

  /** Nothing open, or nothing waiting. */
  static final long NONE = Long.MIN_VALUE;

  /** The earliest end of an open suppression (Long.MAX_VALUE: open without an end), or NONE. */
  private final long suppressionsEnd;
  /** The earliest decision time of an action waiting for approval, or NONE. */
  private final long awaitingSince;
  private boolean changed;

  TimerChecks(long suppressionsEnd, long awaitingSince) {
    this.suppressionsEnd = suppressionsEnd;
    this.awaitingSince = awaitingSince;
  }

  /** The stored form read back (null: nothing open or waiting). */
  static TimerChecks of(long[] stored) {
    return stored == null ? new TimerChecks(NONE, NONE) : new TimerChecks(stored[0], stored[1]);
  }

  long[] toArray() {
    return new long[] {suppressionsEnd, awaitingSince};
  }

  boolean isEmpty() {
    return suppressionsEnd == NONE && awaitingSince == NONE;
  }

  /** Whether a suppression may be open (after a change: the map must be asked). */
  boolean anyOpen() {
    return changed || suppressionsEnd != NONE;
  }

  /** Whether an open suppression may have reached its maximum duration at {@code time}. */
  boolean suppressionEndsBy(long time) {
    return changed || suppressionsEnd != NONE && suppressionsEnd <= time;
  }

  /** Whether an action decided {@code expiryMillis} or more before {@code time} may wait. */
  boolean approvalExpiresBy(long time, long expiryMillis) {
    return changed || awaitingSince != NONE && awaitingSince <= time - expiryMillis;
  }

  /**
   * Marks what it summarizes as changed: until the timer ends every check answers "maybe" (the
   * maps are asked), and the value is summarized again before it is stored.
   */
  void changed() {
    changed = true;
  }

  boolean isChanged() {
    return changed;
  }
}
