package io.journeyflow.jobs.tools.report;

/**
 * The holdout statistics, the same formulas as the job's HoldoutComparison: the lift is the
 * outcome rate of the treated minus that of the held out; its 95% interval is Wald's, with
 * unpooled variances; the p-value is the two-sided two-proportion z-test with a pooled rate.
 */
public final class LiftStats {

  /** The 97.5% quantile of the standard normal distribution. */
  static final double Z_975 = 1.959963984540054;

  private LiftStats() {}

  /** Lift, interval and p-value; each null when the counts do not define it. */
  public record Result(Double lift, Double low, Double high, Double pValue) {}

  public static Result of(long treated, long treatedWithOutcome, long heldOut,
      long heldOutWithOutcome) {
    if (treated <= 0 || heldOut <= 0) {
      return new Result(null, null, null, null);
    }
    double pt = (double) treatedWithOutcome / treated;
    double ph = (double) heldOutWithOutcome / heldOut;
    double lift = pt - ph;
    double se = Math.sqrt(pt * (1 - pt) / treated + ph * (1 - ph) / heldOut);
    double pooled = (double) (treatedWithOutcome + heldOutWithOutcome) / (treated + heldOut);
    double se0 = Math.sqrt(pooled * (1 - pooled) * (1.0 / treated + 1.0 / heldOut));
    Double p = se0 > 0 ? twoSided(lift / se0) : null;
    return new Result(lift, lift - Z_975 * se, lift + Z_975 * se, p);
  }

  /** Two-sided p-value of a standard normal statistic z. */
  static double twoSided(double z) {
    return Math.min(1.0, erfc(Math.abs(z) / Math.sqrt(2)));
  }

  /** The complementary error function, fractional error below 1.2e-7 (Numerical Recipes). */
  static double erfc(double x) {
    double z = Math.abs(x);
    double t = 1.0 / (1.0 + 0.5 * z);
    double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196
        + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398
        + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
    return x >= 0 ? r : 2.0 - r;
  }
}
