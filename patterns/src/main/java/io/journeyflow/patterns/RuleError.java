package io.journeyflow.patterns;

import java.io.Serializable;

/** One problem in a rule or fixture file: where, what, and how to fix it. */
public record RuleError(String file, int line, int column, String message, String hint)
    implements Serializable {

  @Override
  public String toString() {
    return file + ":" + line + ":" + column + ": " + message
        + (hint == null || hint.isEmpty() ? "" : " (" + hint + ")");
  }
}
