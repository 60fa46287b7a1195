package io.journeyflow.patterns.cel;

import dev.cel.common.CelValidationException;
import dev.cel.runtime.CelRuntime;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A checked CEL bool expression that travels with the job as text and is compiled on first use
 * in each task (CEL programs are not serializable). Evaluation errors count as false.
 */
public final class CelCondition implements Serializable {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(CelCondition.class);

  private final String expression;
  private final List<String> variables;
  private transient CelRuntime.Program program;
  private transient long errors;

  private CelCondition(String expression, List<String> variables) {
    this.expression = expression;
    this.variables = List.copyOf(variables);
  }

  /** Checks the expression now, so a bad one fails at load time. */
  public static CelCondition of(String expression, List<String> variables)
      throws CelValidationException {
    CelEnvironment.check(expression, variables);
    return new CelCondition(expression, variables);
  }

  public String expression() {
    return expression;
  }

  /** The variables this condition may use; the caller binds those it has. */
  public List<String> variables() {
    return variables;
  }

  /** Whether the expression text names {@code variable} (a cheap, conservative check). */
  public boolean mentions(String variable) {
    return java.util.regex.Pattern.compile("\\b" + java.util.regex.Pattern.quote(variable)
        + "\\b").matcher(expression).find();
  }

  /** True if the expression holds for these bindings; false if it fails to evaluate. */
  public boolean test(Map<String, Object> bindings) {
    try {
      if (program == null) {
        program = CelEnvironment.program(CelEnvironment.check(expression, variables));
      }
      return Boolean.TRUE.equals(program.eval(bindings));
    } catch (Exception e) {
      // A missing attribute or an unbound optional step: the condition does not hold.
      if (errors++ % 10_000 == 0) {
        LOG.debug("condition '{}' failed to evaluate ({} so far): {}", expression, errors,
            e.getMessage());
      }
      return false;
    }
  }
}
