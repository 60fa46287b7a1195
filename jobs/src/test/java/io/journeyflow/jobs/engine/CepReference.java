package io.journeyflow.jobs.engine;

import io.journeyflow.jobs.operators.EventOrder;
import io.journeyflow.patterns.MatchOrder;
import io.journeyflow.patterns.Rule;
import io.journeyflow.patterns.RuleCompiler;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.internal.MatchedEvent;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.nfa.compiler.NFACompiler;
import org.apache.flink.cep.operator.CepOperator;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;

/**
 * Plain Flink CEP as the job runs it (event time, the job's tie-break comparator), driven
 * through its operator in a test harness: the reference the fast engine is compared with.
 */
final class CepReference implements StreamRunner {

  private final KeyedOneInputStreamOperatorTestHarness<String, CustomerEvent, String> harness;
  private int seen;

  CepReference(Rule rule) throws Exception {
    Pattern<CustomerEvent, CustomerEvent> pattern = RuleCompiler.compile(rule);
    CepOperator<CustomerEvent, String, String> operator = new CepOperator<>(
        new AvroSerializer<>(CustomerEvent.class),
        false,
        NFACompiler.compileFactory(pattern, false),
        new EventOrder(),
        pattern.getAfterMatchSkipStrategy(),
        new Describe(rule),
        null);
    harness = new KeyedOneInputStreamOperatorTestHarness<>(operator, new ByCustomer(),
        Types.STRING);
    harness.open();
  }

  @Override
  public void event(CustomerEvent event) throws Exception {
    harness.processElement(new StreamRecord<>(event, event.getOccurredAt().toEpochMilli()));
  }

  @Override
  public List<String> watermark(long timestamp) throws Exception {
    harness.processWatermark(new Watermark(timestamp));
    List<String> all = harness.extractOutputValues();
    List<String> fresh = List.copyOf(all.subList(seen, all.size()));
    seen = all.size();
    return fresh;
  }

  @Override
  public void close() throws Exception {
    harness.close();
  }

  /** The customer key of the test streams. */
  static final class ByCustomer implements KeySelector<CustomerEvent, String> {
    @Override
    public String getKey(CustomerEvent e) {
      return e.getIdentities().get("customerId");
    }
  }

  /** A match as text: customer, rule, then step=eventId in step order. */
  static final class Describe extends PatternProcessFunction<CustomerEvent, String> {
    private final Rule rule;

    Describe(Rule rule) {
      this.rule = rule;
    }

    @Override
    public void processMatch(Map<String, List<CustomerEvent>> match, Context ctx,
        Collector<String> out) {
      out.collect(describe(rule, match));
    }
  }

  static String describe(Rule rule, Map<String, List<CustomerEvent>> match) {
    List<MatchedEvent> events = MatchOrder.order(rule, match);
    StringBuilder s = new StringBuilder(
        events.get(0).getEvent().getIdentities().get("customerId")).append(": ")
        .append(rule.id());
    for (MatchedEvent m : events) {
      s.append(' ').append(m.getStep()).append('=').append(m.getEvent().getEventId());
    }
    return s.toString();
  }
}
