package io.journeyflow.jobs.operators;

import io.journeyflow.schema.Action;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.internal.RuleMatch;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.types.Either;

/** Operator harness of {@link JourneyFunction}: keyed events and matches, broadcast policies. */
final class JourneyHarness
    extends KeyedTwoInputStreamOperatorTestHarness<
        String, Either<CustomerEvent, RuleMatch>, String, Action> {

  JourneyHarness(JourneyFunction function, CustomerKeys keys) throws Exception {
    this(new JourneyOperator(function), keys);
  }

  /** The operator as configured by the caller (e.g. counting facts, as in the job). */
  JourneyHarness(JourneyOperator operator, CustomerKeys keys) throws Exception {
    super(operator, new JourneyInputs.Customer(keys), null, Types.STRING);
  }

  /** Subtask {@code subtask} of {@code parallelism}, for rescaling. */
  JourneyHarness(JourneyFunction function, CustomerKeys keys, int maxParallelism,
      int parallelism, int subtask) throws Exception {
    super(
        new JourneyOperator(function),
        new JourneyInputs.Customer(keys),
        null,
        Types.STRING,
        maxParallelism,
        parallelism,
        subtask);
  }

  void feedEvent(StreamRecord<CustomerEvent> event) throws Exception {
    processElement1(new StreamRecord<>(Either.Left(event.getValue()), event.getTimestamp()));
  }

  void feedMatch(StreamRecord<RuleMatch> match) throws Exception {
    processElement1(new StreamRecord<>(Either.Right(match.getValue()), match.getTimestamp()));
  }

  /** A policy document that passed the gate, as the broadcast input delivers it. */
  void feedPolicies(String document) throws Exception {
    processElement2(new StreamRecord<>(document));
  }
}
