package io.journeyflow.jobs.analytics;

/** Kinds of {@link io.journeyflow.schema.internal.JourneyFact}, and the key facts group by. */
public final class JourneyFacts {

  public static final String ENTERED = "ENTERED";
  public static final String STEP = "STEP";
  public static final String BREAKPOINT = "BREAKPOINT";
  public static final String DECISION = "DECISION";
  public static final String RESOLVED = "RESOLVED";
  public static final String ABANDONED = "ABANDONED";
  public static final String FOLLOWED_UP = "FOLLOWED_UP";
  public static final String ATTRIBUTED = "ATTRIBUTED";

  private JourneyFacts() {}

  /** Facts are counted per rule. */
  public static final class ByRule
      implements org.apache.flink.api.java.functions.KeySelector<
          io.journeyflow.schema.internal.JourneyFact, String> {
    @Override
    public String getKey(io.journeyflow.schema.internal.JourneyFact fact) {
      return fact.getRuleId();
    }
  }
}
