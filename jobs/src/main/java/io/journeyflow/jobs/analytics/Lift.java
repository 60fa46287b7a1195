package io.journeyflow.jobs.analytics;

/**
 * Lift of an intervention: the outcome rate of the treated minus that of the held out, with a
 * 95% confidence interval (Wald, unpooled standard error) and the two-sided p-value of the
 * two-proportion z-test (pooled standard error).
 */
public record Lift(double lift, double low, double high, double pValue) {

  static final double Z_95 = 1.959963984540054;

  /** Null when either group is empty (no rate to compare). */
  public static Lift of(long treated, long treatedWithOutcome, long heldOut,
      long heldOutWithOutcome) {
    if (treated == 0 || heldOut == 0) {
      return null;
    }
    double p1 = (double) treatedWithOutcome / treated;
    double p2 = (double) heldOutWithOutcome / heldOut;
    double diff = p1 - p2;
    double se = Math.sqrt(p1 * (1 - p1) / treated + p2 * (1 - p2) / heldOut);
    double pooled = (double) (treatedWithOutcome + heldOutWithOutcome) / (treated + heldOut);
    double sePooled = Math.sqrt(pooled * (1 - pooled) * (1.0 / treated + 1.0 / heldOut));
    double p = sePooled == 0 ? (diff == 0 ? 1.0 : 0.0)
        : 2 * (1 - standardNormalCdf(Math.abs(diff) / sePooled));
    return new Lift(diff, diff - Z_95 * se, diff + Z_95 * se, p);
  }

  /** Phi(x), by the Abramowitz-Stegun 7.1.26 approximation of erf (error below 1.5e-7). */
  static double standardNormalCdf(double x) {
    double z = Math.abs(x) / Math.sqrt(2);
    double t = 1 / (1 + 0.3275911 * z);
    double erf = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741
        + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-z * z);
    return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
  }
}
