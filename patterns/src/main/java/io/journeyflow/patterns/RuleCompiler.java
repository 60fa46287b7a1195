package io.journeyflow.patterns;

import io.journeyflow.schema.CustomerEvent;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.nfa.compiler.NFACompiler;
import org.apache.flink.cep.pattern.Pattern;

/** Compiles a rule into a Flink CEP pattern over one customer's events. */
public final class RuleCompiler {

  private RuleCompiler() {}

  public static Pattern<CustomerEvent, CustomerEvent> compile(Rule rule) {
    Pattern<CustomerEvent, CustomerEvent> pattern = null;
    for (int i = 0; i < rule.steps().size(); i++) {
      StepSpec step = rule.steps().get(i);
      StepCondition condition = new StepCondition(StepMatcher.of(rule, i));
      if (pattern == null) {
        pattern = Pattern.<CustomerEvent>begin(step.name(), skip(rule.afterMatch()));
      } else if (step.absent()) {
        pattern = step.contiguity() == StepSpec.Contiguity.STRICT
            ? pattern.notNext(step.name())
            : pattern.notFollowedBy(step.name());
      } else {
        pattern = switch (step.contiguity()) {
          case STRICT -> pattern.next(step.name());
          case ANY -> pattern.followedByAny(step.name());
          default -> pattern.followedBy(step.name());
        };
      }
      pattern = pattern.where(condition);
      pattern = quantify(pattern, step);
    }
    if (rule.within() != null) {
      pattern = pattern.within(rule.within());
    }
    return pattern;
  }

  /** Compiles the NFA too, so Flink's own pattern checks run at load time. */
  static void check(Rule rule) {
    NFACompiler.compileFactory(compile(rule), false);
  }

  private static Pattern<CustomerEvent, CustomerEvent> quantify(
      Pattern<CustomerEvent, CustomerEvent> p, StepSpec step) {
    if (step.oneOrMore()) {
      p = p.oneOrMore();
    } else if (step.timesFrom() != null) {
      p = step.timesFrom().equals(step.timesTo())
          ? p.times(step.timesFrom())
          : p.times(step.timesFrom(), step.timesTo());
    }
    if (step.quantified()) {
      // Repeats of one step follow each other like the step follows its predecessor.
      if (step.contiguity() == StepSpec.Contiguity.STRICT) {
        p = p.consecutive();
      } else if (step.contiguity() == StepSpec.Contiguity.ANY) {
        p = p.allowCombinations();
      }
    }
    if (step.optional()) {
      p = p.optional();
    }
    return p;
  }

  private static AfterMatchSkipStrategy skip(Rule.AfterMatch afterMatch) {
    return switch (afterMatch) {
      case NO_SKIP -> AfterMatchSkipStrategy.noSkip();
      case SKIP_TO_NEXT -> AfterMatchSkipStrategy.skipToNext();
      default -> AfterMatchSkipStrategy.skipPastLastEvent();
    };
  }
}
