package io.journeyflow.jobs.engine;

import io.journeyflow.jobs.operators.CustomerKeys;
import io.journeyflow.jobs.operators.FastRuleFunction;
import io.journeyflow.jobs.operators.FastRuleOperator;
import io.journeyflow.patterns.engine.FastRule;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.internal.MatchedEvent;
import io.journeyflow.schema.internal.RuleMatch;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * The job's {@link FastRuleFunction} in an operator test harness, optionally on RocksDB and
 * restored from a snapshot every few watermarks (so its state goes through its serializers).
 */
final class FunctionReference implements StreamRunner {

  private final List<FastRule> rules;
  private final boolean rocksDb;
  private final int restoreEvery;
  private KeyedOneInputStreamOperatorTestHarness<String, CustomerEvent, RuleMatch> harness;
  private int seen;
  private int watermarks;

  FunctionReference(List<FastRule> rules, boolean rocksDb, int restoreEvery) throws Exception {
    this.rules = rules;
    this.rocksDb = rocksDb;
    this.restoreEvery = restoreEvery;
    harness = open(null);
  }

  private KeyedOneInputStreamOperatorTestHarness<String, CustomerEvent, RuleMatch> open(
      OperatorSubtaskState restore) throws Exception {
    var h = new KeyedOneInputStreamOperatorTestHarness<>(
        new FastRuleOperator(
            new FastRuleFunction(rules, new CustomerKeys(List.of("customerId")))),
        new CepReference.ByCustomer(), Types.STRING);
    if (rocksDb) {
      h.setStateBackend(new EmbeddedRocksDBStateBackend());
    }
    if (restore != null) {
      h.initializeState(restore);
    }
    h.open();
    return h;
  }

  @Override
  public void event(CustomerEvent event) throws Exception {
    harness.processElement(new StreamRecord<>(event, event.getOccurredAt().toEpochMilli()));
  }

  @Override
  public List<String> watermark(long timestamp) throws Exception {
    harness.processWatermark(new Watermark(timestamp));
    List<RuleMatch> all = harness.extractOutputValues();
    List<String> fresh = new ArrayList<>();
    for (RuleMatch m : all.subList(seen, all.size())) {
      fresh.add(describe(m));
    }
    seen = all.size();
    if (restoreEvery > 0 && ++watermarks % restoreEvery == 0) {
      OperatorSubtaskState snapshot = harness.snapshot(watermarks, timestamp);
      harness.close();
      harness = open(snapshot);
      // A restored harness starts at the watermark it is given next; keep it where it was.
      harness.processWatermark(new Watermark(timestamp));
      if (!harness.extractOutputValues().isEmpty()) {
        throw new IllegalStateException("a restored watermark fired again");
      }
      seen = 0;
    }
    return fresh;
  }

  static String describe(RuleMatch m) {
    StringBuilder s = new StringBuilder(m.getCustomerId()).append(": ").append(m.getRuleId());
    for (MatchedEvent e : m.getEvents()) {
      s.append(' ').append(e.getStep()).append('=').append(e.getEvent().getEventId());
    }
    return s.toString();
  }

  @Override
  public void close() throws Exception {
    harness.close();
  }
}
