package io.journeyflow.patterns;

import java.util.List;

/** Rule files with errors; carries every error of every file, not just the first. */
public final class RuleValidationException extends RuntimeException {

  private final List<RuleError> errors;

  public RuleValidationException(List<RuleError> errors) {
    super(errors.size() + " rule error(s):\n  "
        + String.join("\n  ", errors.stream().map(RuleError::toString).toList()));
    this.errors = List.copyOf(errors);
  }

  public List<RuleError> errors() {
    return errors;
  }
}
