package io.journeyflow.patterns.cel;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelVariableResolver;
import io.journeyflow.schema.CustomerEvent;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A checked CEL bool expression that travels with the job as text and is compiled on first use
 * in each task (CEL programs are not serializable). Evaluation errors count as false.
 */
public final class CelCondition implements Serializable {

  private static final long serialVersionUID = 2L;
  private static final Logger LOG = LoggerFactory.getLogger(CelCondition.class);

  private final String expression;
  private final List<String> variables;
  private final List<String> referenced;
  private transient CelRuntime.Program program;
  private transient long errors;

  private CelCondition(String expression, List<String> variables, List<String> referenced) {
    this.expression = expression;
    this.variables = List.copyOf(variables);
    this.referenced = List.copyOf(referenced);
  }

  /** Checks the expression now, so a bad one fails at load time. */
  public static CelCondition of(String expression, List<String> variables)
      throws CelValidationException {
    CelAbstractSyntaxTree ast = CelEnvironment.check(expression, variables);
    return new CelCondition(
        expression, variables, List.copyOf(CelEnvironment.referenced(ast, variables)));
  }

  public String expression() {
    return expression;
  }

  /** The variables this condition may use; the caller binds those it has. */
  public List<String> variables() {
    return variables;
  }

  /** The variables the expression actually uses (from the type checker, not a text search). */
  public List<String> referenced() {
    return referenced;
  }

  /** Whether the expression uses {@code variable}. */
  public boolean mentions(String variable) {
    return referenced.contains(variable);
  }

  /** How often evaluation failed in this instance (and so counted as false). */
  public long errorCount() {
    return errors;
  }

  /** True if the expression holds for these event bindings; false if it fails to evaluate. */
  public boolean test(Map<String, CustomerEvent> events) {
    return test(new EventBindings(events));
  }

  /** True if the expression holds for these variables; false if it fails to evaluate. */
  public boolean test(CelVariableResolver variables) {
    Object result;
    try {
      if (program == null) {
        program = CelEnvironment.program(CelEnvironment.check(expression, this.variables));
      }
      result = program.eval(variables);
    } catch (Exception e) {
      // A missing attribute, a null channel used as a string, an optional step that did not
      // occur: the condition does not hold. Not an error of the job, so not thrown.
      failed(e.getMessage());
      return false;
    }
    if (result instanceof Boolean b) {
      return b;
    }
    // An unbound variable makes CEL return an "unknown" instead of failing.
    failed("result is " + result);
    return false;
  }

  private void failed(String why) {
    errors++;
    // Logged at debug, and then only now and again: it can happen for every event.
    if (LOG.isDebugEnabled() && (errors & (errors - 1)) == 0) {
      LOG.debug("condition '{}' failed to evaluate ({} time(s) so far): {}", expression, errors,
          why);
    }
  }

  /** Binds variable names to events, converting an event only when the expression asks. */
  private static final class EventBindings implements CelVariableResolver {
    private final Map<String, CustomerEvent> events;

    EventBindings(Map<String, CustomerEvent> events) {
      this.events = events;
    }

    @Override
    public Optional<Object> find(String name) {
      CustomerEvent e = events.get(name);
      return e == null ? Optional.empty() : Optional.of(CelEvents.view(e));
    }
  }
}
