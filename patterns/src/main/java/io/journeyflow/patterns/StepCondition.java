package io.journeyflow.patterns;

import io.journeyflow.schema.CustomerEvent;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;

/**
 * A step's condition in Flink CEP: a {@link StepMatcher} with the earlier steps read from CEP's
 * shared buffer (only the ones the matcher asks for).
 */
final class StepCondition extends IterativeCondition<CustomerEvent> {

  private static final long serialVersionUID = 3L;

  private final StepMatcher matcher;

  StepCondition(StepMatcher matcher) {
    this.matcher = matcher;
  }

  @Override
  public boolean filter(CustomerEvent event, Context<CustomerEvent> ctx) throws Exception {
    return matcher.test(event, new StepMatcher.Bindings() {
      @Override
      public CustomerEvent first(String step) throws Exception {
        for (CustomerEvent e : ctx.getEventsForPattern(step)) {
          return e;
        }
        return null;
      }

      @Override
      public CustomerEvent last(String step) throws Exception {
        CustomerEvent last = null;
        for (CustomerEvent e : ctx.getEventsForPattern(step)) {
          last = e;
        }
        return last;
      }
    });
  }
}
