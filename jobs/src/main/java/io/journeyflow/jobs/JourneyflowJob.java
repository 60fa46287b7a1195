package io.journeyflow.jobs;

import io.journeyflow.jobs.analytics.FactCounts;
import io.journeyflow.jobs.analytics.JourneyMetricsWindow;
import io.journeyflow.jobs.config.JobOptions;
import io.journeyflow.jobs.decisions.DecisionEngine;
import io.journeyflow.jobs.decisions.Policies;
import io.journeyflow.jobs.identity.IdentifierTypes;
import io.journeyflow.jobs.io.JobIO;
import io.journeyflow.jobs.operators.CustomerKeys;
import io.journeyflow.jobs.operators.DecodeSplitter;
import io.journeyflow.jobs.operators.EventTimeWatermarks;
import io.journeyflow.jobs.operators.IdentityFanOut;
import io.journeyflow.jobs.operators.IdentityFunction;
import io.journeyflow.jobs.operators.IdentityKeys;
import io.journeyflow.jobs.operators.IdentityOperator;
import io.journeyflow.jobs.operators.IngestFunction;
import io.journeyflow.jobs.operators.ControlSplitter;
import io.journeyflow.jobs.operators.JourneyFunction;
import io.journeyflow.jobs.operators.JourneyInputs;
import io.journeyflow.jobs.operators.JourneyOperator;
import io.journeyflow.jobs.operators.JourneySettings;
import io.journeyflow.jobs.operators.LocalLoop;
import io.journeyflow.jobs.operators.PolicyUpdateGate;
import io.journeyflow.jobs.operators.RuleEvaluationStage;
import io.journeyflow.connectors.UnchangedAvroTypeInfo;
import io.journeyflow.patterns.RuleSet;
import io.journeyflow.schema.Action;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.DeadLetter;
import io.journeyflow.schema.Decision;
import io.journeyflow.schema.ErasureConfirmation;
import io.journeyflow.schema.IdentityConflict;
import io.journeyflow.schema.IdentityMerged;
import io.journeyflow.schema.JourneyMetrics;
import io.journeyflow.schema.SuppressionSignal;
import io.journeyflow.schema.internal.ControlRecord;
import io.journeyflow.schema.internal.IdentityMessage;
import io.journeyflow.schema.internal.JourneyFact;
import io.journeyflow.schema.internal.MetricsAccumulator;
import io.journeyflow.schema.internal.RuleMatch;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.types.Either;
import org.apache.flink.util.OutputTag;

/**
 * The one graph builder: source -> decode -> customer key -> late/duplicate filter -> rule
 * evaluation -> decisions (actions, suppression signals) -> sinks, with every rejected input on
 * the dead-letter sink. Policy updates from a control topic are checked by one keyed gate and
 * broadcast to the decisions. Sources and sinks come from a {@link JobIO}, so tests and replay
 * reuse exactly this graph.
 */
public final class JourneyflowJob {

  static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("dead-letters", new AvroTypeInfo<>(DeadLetter.class));
  static final OutputTag<SuppressionSignal> SUPPRESSIONS =
      new OutputTag<>("suppressions", new UnchangedAvroTypeInfo<>(SuppressionSignal.class));
  static final OutputTag<Decision> DECISIONS =
      new OutputTag<>("decisions", new UnchangedAvroTypeInfo<>(Decision.class));
  static final OutputTag<JourneyFact> FACTS =
      new OutputTag<>("journey-facts", new AvroTypeInfo<>(JourneyFact.class));
  /** The facts counted per rule and window by the decision operator, for the analytics. */
  static final OutputTag<Tuple2<String, MetricsAccumulator>> FACT_COUNTS =
      new OutputTag<>("journey-fact-counts", FactCounts.type());
  static final OutputTag<ErasureConfirmation> ERASURES =
      new OutputTag<>("erasures", new AvroTypeInfo<>(ErasureConfirmation.class));
  static final OutputTag<IdentityMessage> IDENTITY_MESSAGES =
      new OutputTag<>("identity-messages", new AvroTypeInfo<>(IdentityMessage.class));
  static final OutputTag<IdentityMerged> IDENTITY_MERGES =
      new OutputTag<>("identity-merges", new AvroTypeInfo<>(IdentityMerged.class));
  static final OutputTag<IdentityConflict> IDENTITY_CONFLICTS =
      new OutputTag<>("identity-conflicts", new AvroTypeInfo<>(IdentityConflict.class));

  private final ReadableConfig config;
  private final RuleSet rules;
  private final Policies policies;
  private final JobIO io;
  private boolean routeByType = true;
  private boolean resolve;
  /** Identity resolution's loop, written by the identity graph and by the journeys. */
  private DataStream<IdentityMessage> identityLoop;

  /** With the policies the config names (or the bundled ones). */
  public JourneyflowJob(ReadableConfig config, RuleSet rules, JobIO io) {
    this(config, rules, Policies.from(config), io);
  }

  public JourneyflowJob(ReadableConfig config, RuleSet rules, Policies policies, JobIO io) {
    this.config = config;
    this.rules = rules;
    this.policies = policies;
    this.io = io;
  }

  /**
   * The naive rule layout (every rule's CEP operator fed every event), for benchmarks to compare
   * with; the same graph otherwise.
   */
  public JourneyflowJob withoutEventTypeRouting() {
    routeByType = false;
    return this;
  }

  /** Adds the whole job to {@code env}; the caller executes it. */
  public void build(StreamExecutionEnvironment env) {
    resolve = config.get(JobOptions.IDENTITY_RESOLUTION);
    CustomerKeys keys = new CustomerKeys(config.get(JobOptions.IDENTITY_PRIORITY), resolve);
    List<DataStream<DeadLetter>> deadLetters = new ArrayList<>();
    DataStream<Either<DeadLetter, CustomerEvent>> decoded =
        io.events(
            env,
            EventTimeWatermarks.strategy(
                config.get(JobOptions.OUT_OF_ORDERNESS), config.get(JobOptions.IDLENESS)));

    SingleOutputStreamOperator<CustomerEvent> events =
        decoded
            .process(
                new DecodeSplitter(new CustomerKeys(config.get(JobOptions.IDENTITY_PRIORITY)),
                    DEAD_LETTERS),
                new UnchangedAvroTypeInfo<>(CustomerEvent.class))
            .uid(Uids.DECODE)
            .name("split dead letters");
    DataStream<CustomerEvent> identified =
        resolve ? resolveIdentities(events, deadLetters) : events;

    SingleOutputStreamOperator<CustomerEvent> accepted =
        identified
            .keyBy(keys, Types.STRING)
            .process(
                new IngestFunction(config.get(JobOptions.DEDUP_TTL), DEAD_LETTERS),
                new UnchangedAvroTypeInfo<>(CustomerEvent.class))
            .uid(Uids.INGEST)
            .name("drop late and duplicate events");
    // Ingest already partitioned the stream by customer: evaluate in place, no second shuffle.
    KeyedStream<CustomerEvent, String> byCustomer =
        DataStreamUtils.reinterpretAsKeyedStream(accepted, keys, Types.STRING);

    DataStream<RuleMatch> matches =
        new RuleEvaluationStage(rules, keys, routeByType, config.get(JobOptions.FAST_RULES))
            .withHeapBuffer(config.get(JobOptions.HEAP_BUFFER_RECORDS))
            .withFarTimers(config.get(JobOptions.FAR_TIMER_BUCKET))
            .apply(byCustomer);

    // Events and matches as one keyed input, partitioned as they already are. The map reads
    // the ingest output as a plain stream: an operator on a keyed stream gets a keyed state
    // backend even without state, and an empty RocksDB instance still takes a native
    // checkpoint in the task's synchronous checkpoint part.
    DataStream<Either<CustomerEvent, RuleMatch>> journeyInput =
        accepted
            .map(new JourneyInputs.OfEvent(), JourneyInputs.type())
            .uid(Uids.JOURNEY_EVENTS)
            .name("events to journeys")
            .union(
                matches
                    .map(new JourneyInputs.OfMatch(), JourneyInputs.type())
                    .uid(Uids.JOURNEY_MATCHES)
                    .name("matches to journeys"));

    SingleOutputStreamOperator<ControlRecord> policyRecords =
        io.policyUpdates(env)
            .process(new ControlSplitter<ControlRecord>(DEAD_LETTERS),
                new AvroTypeInfo<>(ControlRecord.class))
            .uid(Uids.POLICY_SPLIT)
            .name("split unreadable policy updates")
            .setParallelism(1);
    SingleOutputStreamOperator<String> policyUpdates =
        policyRecords
            .keyBy(new PolicyUpdateGate.OneKey(), Types.STRING)
            .process(new PolicyUpdateGate(policies, DEAD_LETTERS), Types.STRING)
            .uid(Uids.POLICY_GATE)
            .name("check policy updates");

    SingleOutputStreamOperator<Action> actions =
        DataStreamUtils.reinterpretAsKeyedStream(
                journeyInput, new JourneyInputs.Customer(keys), Types.STRING)
            .connect(policyUpdates.broadcast())
            .transform(
                "decide actions and suppressions",
                new UnchangedAvroTypeInfo<>(Action.class),
                new JourneyOperator(
                    new JourneyFunction(
                        rules,
                        new DecisionEngine(policies),
                        SUPPRESSIONS,
                        DECISIONS,
                        ERASURES,
                        FACTS,
                        JourneySettings.from(config))
                        .withTransfers(resolve ? IDENTITY_MESSAGES : null)
                        .withHeapBuffer(config.get(JobOptions.HEAP_BUFFER_RECORDS)),
                    resolve && !io.hasIdentityLoop() ? IDENTITY_MESSAGES : null)
                    .countingFacts(FACT_COUNTS, config.get(JobOptions.ANALYTICS_WINDOW))
                    .withFarTimers(config.get(JobOptions.FAR_TIMER_BUCKET)))
            .uid(Uids.JOURNEY);
    if (resolve && io.hasIdentityLoop()) {
      // Absorbed customers hand their journey state to the survivor through the same loop.
      io.identityLinksOut(identityLoop.union(actions.getSideOutput(IDENTITY_MESSAGES)));
    }

    DataStream<JourneyMetrics> metrics =
        actions
            .getSideOutput(FACT_COUNTS)
            .keyBy(new FactCounts.ByRule(), Types.STRING)
            .window(TumblingEventTimeWindows.of(config.get(JobOptions.ANALYTICS_WINDOW)))
            .aggregate(
                new FactCounts.Sum(),
                new JourneyMetricsWindow(rules),
                new AvroTypeInfo<>(MetricsAccumulator.class),
                new AvroTypeInfo<>(MetricsAccumulator.class),
                new AvroTypeInfo<>(JourneyMetrics.class))
            .uid(Uids.JOURNEY_METRICS)
            .name("journey analytics per rule and window");

    io.actions(actions);
    io.journeyMetrics(metrics);
    io.suppressions(actions.getSideOutput(SUPPRESSIONS));
    io.decisions(actions.getSideOutput(DECISIONS));
    io.erasures(actions.getSideOutput(ERASURES));
    deadLetters.add(accepted.getSideOutput(DEAD_LETTERS));
    deadLetters.add(policyRecords.getSideOutput(DEAD_LETTERS));
    deadLetters.add(policyUpdates.getSideOutput(DEAD_LETTERS));
    @SuppressWarnings("unchecked")
    DataStream<DeadLetter>[] more = deadLetters.toArray(new DataStream[0]);
    io.deadLetters(events.getSideOutput(DEAD_LETTERS).union(more));
  }

  /** How long any rule's partial match may wait for its next step. */
  static java.time.Duration longestWindow(RuleSet rules) {
    java.time.Duration longest = java.time.Duration.ZERO;
    for (io.journeyflow.patterns.Rule rule : rules.rules()) {
      if (rule.within() != null && rule.within().compareTo(longest) > 0) {
        longest = rule.within();
      }
    }
    return longest;
  }

  /**
   * Identity resolution: each event goes to the node of every identifier it carries, the node of
   * its best identifier stamps it with its customer; labels between nodes go round the loop
   * topic, absorbed customers and refused links to their topics. Without a loop topic (replay,
   * tests) the operators deliver their loop records in place, at parallelism 1.
   */
  private DataStream<CustomerEvent> resolveIdentities(DataStream<CustomerEvent> events,
      List<DataStream<DeadLetter>> deadLetters) {
    if (!io.hasIdentityLoop()) {
      LocalLoop.requireOneSubtask(events.getExecutionEnvironment().getParallelism(),
          "identity resolution");
    }
    IdentifierTypes types = new IdentifierTypes(config.get(JobOptions.IDENTITY_PRIORITY),
        config.get(JobOptions.IDENTITY_STRONG_TYPES));
    SingleOutputStreamOperator<IdentityMessage> links =
        io.identityLinks(events.getExecutionEnvironment())
            .process(new ControlSplitter<IdentityMessage>(DEAD_LETTERS),
                new AvroTypeInfo<>(IdentityMessage.class))
            .uid(Uids.IDENTITY_LINKS_SPLIT)
            .name("split unreadable identity links");
    SingleOutputStreamOperator<CustomerEvent> resolved =
        events
            .flatMap(new IdentityFanOut(types),
                Types.TUPLE(Types.STRING, new AvroTypeInfo<>(CustomerEvent.class)))
            .uid(Uids.IDENTITY_FAN_OUT)
            .name("events to their identifiers")
            .connect(links)
            .keyBy(new IdentityKeys.Observed(), new IdentityKeys.Message(), Types.STRING)
            .transform(
                "resolve identities",
                new AvroTypeInfo<>(CustomerEvent.class),
                new IdentityOperator(new IdentityFunction(types,
                    config.get(JobOptions.IDENTITY_SETTLE), IDENTITY_MESSAGES, IDENTITY_MERGES,
                    IDENTITY_CONFLICTS).withPartialMatchWindow(longestWindow(rules)),
                    !io.hasIdentityLoop()))
            .uid(Uids.IDENTITY);
    deadLetters.add(links.getSideOutput(DEAD_LETTERS));
    identityLoop = resolved.getSideOutput(IDENTITY_MESSAGES);
    io.identityMerges(resolved.getSideOutput(IDENTITY_MERGES));
    io.identityConflicts(resolved.getSideOutput(IDENTITY_CONFLICTS));
    return resolved;
  }
}
