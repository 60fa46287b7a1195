package io.journeyflow.bench;

import io.journeyflow.jobs.JourneyflowJob;
import io.journeyflow.jobs.Uids;
import io.journeyflow.jobs.config.JobOptions;
import io.journeyflow.jobs.decisions.DecisionEngine;
import io.journeyflow.jobs.decisions.Policies;
import io.journeyflow.jobs.io.JobIO;
import io.journeyflow.jobs.operators.CustomerKeys;
import io.journeyflow.jobs.operators.DecodeSplitter;
import io.journeyflow.jobs.operators.EventOrder;
import io.journeyflow.jobs.operators.EventTimeWatermarks;
import io.journeyflow.jobs.operators.IngestFunction;
import io.journeyflow.jobs.operators.JourneyFunction;
import io.journeyflow.jobs.operators.RuleMatchEmitter;
import io.journeyflow.patterns.Rule;
import io.journeyflow.patterns.RuleCompiler;
import io.journeyflow.patterns.RuleSet;
import io.journeyflow.schema.Action;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.DeadLetter;
import io.journeyflow.schema.Decision;
import io.journeyflow.schema.ErasureConfirmation;
import io.journeyflow.schema.SuppressionSignal;
import io.journeyflow.schema.internal.RuleMatch;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.cep.CEP;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;
import org.apache.flink.util.OutputTag;

/**
 * The naive layout, as a reference: the graph of {@link JourneyflowJob} with one event-time CEP
 * operator per rule fed with EVERY event of the customer (no pre-routing by event type). The
 * rest of the graph (decode, ingest, decisions, sinks) is the same operators in the same order.
 *
 * <p>This is a copy of {@code JourneyflowJob.build}, because the job builds its rule stage
 * itself; keep it in step with the job when the graph changes (a hook in the job to pass in the
 * rule stage would remove the copy).
 */
public final class NaiveJob {

  private static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("dead-letters", new AvroTypeInfo<>(DeadLetter.class));
  private static final OutputTag<SuppressionSignal> SUPPRESSIONS =
      new OutputTag<>("suppressions", new AvroTypeInfo<>(SuppressionSignal.class));
  private static final OutputTag<Decision> DECISIONS =
      new OutputTag<>("decisions", new AvroTypeInfo<>(Decision.class));
  private static final OutputTag<ErasureConfirmation> ERASURES =
      new OutputTag<>("erasures", new AvroTypeInfo<>(ErasureConfirmation.class));

  private NaiveJob() {}

  public static void build(StreamExecutionEnvironment env, ReadableConfig config, RuleSet rules,
      JobIO io) {
    CustomerKeys keys = new CustomerKeys(config.get(JobOptions.IDENTITY_PRIORITY));
    DataStream<Either<DeadLetter, CustomerEvent>> decoded =
        io.events(
            env,
            EventTimeWatermarks.strategy(
                config.get(JobOptions.OUT_OF_ORDERNESS), config.get(JobOptions.IDLENESS)));
    SingleOutputStreamOperator<CustomerEvent> events =
        decoded
            .process(new DecodeSplitter(keys, DEAD_LETTERS), new AvroTypeInfo<>(CustomerEvent.class))
            .uid(Uids.DECODE)
            .name("split dead letters");
    SingleOutputStreamOperator<CustomerEvent> accepted =
        events
            .keyBy(keys, Types.STRING)
            .process(
                new IngestFunction(config.get(JobOptions.DEDUP_TTL), DEAD_LETTERS),
                new AvroTypeInfo<>(CustomerEvent.class))
            .uid(Uids.INGEST)
            .name("drop late and duplicate events");
    KeyedStream<CustomerEvent, String> byCustomer =
        DataStreamUtils.reinterpretAsKeyedStream(accepted, keys, Types.STRING);

    // The naive rule stage: every rule's CEP operator sees every event.
    AvroTypeInfo<RuleMatch> matchType = new AvroTypeInfo<>(RuleMatch.class);
    DataStream<RuleMatch> matches = null;
    for (Rule rule : rules.rules()) {
      DataStream<RuleMatch> m =
          CEP.pattern(byCustomer, RuleCompiler.compile(rule), new EventOrder())
              .inEventTime()
              .process(new RuleMatchEmitter(rule, keys), matchType)
              .uid(Uids.rule(rule.id(), rule.version()))
              .name("rule " + rule.id() + " v" + rule.version() + " (naive)");
      matches = matches == null ? m : matches.union(m);
    }

    SingleOutputStreamOperator<Action> actions =
        byCustomer
            .connect(DataStreamUtils.reinterpretAsKeyedStream(matches, new MatchCustomer(),
                Types.STRING))
            .process(
                new JourneyFunction(
                    rules,
                    new DecisionEngine(Policies.from(config)),
                    SUPPRESSIONS,
                    DECISIONS,
                    ERASURES,
                    config.get(JobOptions.ERASURE_TOMBSTONE_TTL),
                    config.get(JobOptions.CONTEXT_MAX_EVENTS),
                    config.get(JobOptions.CONTEXT_MAX_AGE),
                    config.get(JobOptions.CUSTOMER_IDLE_TTL)),
                new AvroTypeInfo<>(Action.class))
            .uid(Uids.JOURNEY)
            .name("decide actions and suppressions");

    io.actions(actions);
    io.suppressions(actions.getSideOutput(SUPPRESSIONS));
    io.decisions(actions.getSideOutput(DECISIONS));
    io.erasures(actions.getSideOutput(ERASURES));
    io.deadLetters(
        events.getSideOutput(DEAD_LETTERS).union(accepted.getSideOutput(DEAD_LETTERS)));
  }

  static final class MatchCustomer implements KeySelector<RuleMatch, String> {
    @Override
    public String getKey(RuleMatch match) {
      return match.getCustomerId();
    }
  }
}
