package io.journeyflow.jobs.operators;

import io.journeyflow.connectors.CompiledAvroTypeInfo;
import io.journeyflow.jobs.analytics.Holdouts;
import io.journeyflow.jobs.analytics.JourneyFacts;
import io.journeyflow.jobs.decisions.DecisionEngine;
import io.journeyflow.jobs.decisions.Policies;
import io.journeyflow.jobs.decisions.PolicyLoader;
import io.journeyflow.jobs.decisions.Profiles;
import io.journeyflow.patterns.Rule;
import io.journeyflow.patterns.RuleSet;
import io.journeyflow.patterns.SuppressSpec;
import io.journeyflow.schema.Action;
import io.journeyflow.schema.ContextEvent;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.Decision;
import io.journeyflow.schema.DecisionOutcome;
import io.journeyflow.schema.ErasureConfirmation;
import io.journeyflow.schema.OpenJourney;
import io.journeyflow.schema.OpenSuppression;
import io.journeyflow.schema.SuppressionSignal;
import io.journeyflow.schema.history.LoopRecords;
import io.journeyflow.schema.internal.CustomerContextState;
import io.journeyflow.schema.internal.CustomerProfile;
import io.journeyflow.schema.internal.DecisionState;
import io.journeyflow.schema.internal.JourneyFact;
import io.journeyflow.schema.internal.MatchedEvent;
import io.journeyflow.schema.internal.IdentityMessage;
import io.journeyflow.schema.internal.JourneyTransfer;
import io.journeyflow.schema.internal.RuleMatch;
import io.journeyflow.schema.internal.SendRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.ListSerializer;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Per customer, in event-time order: keeps the recent-events context and the profile, turns
 * rule matches into candidate actions, decides each against the policies (one decision record
 * each; sent ones go out as actions), and runs the suppression lifecycle (open once per scope,
 * release on a release event or at the maximum duration).
 *
 * <p>Events and matches are buffered (on the heap: {@link HeapTimeBuffer}) until the watermark
 * passes their time, because matches reach this operator only when CEP's watermark passes the
 * completing event, usually after later events. At one timestamp the order is: events join the
 * context, then matches decide (so the context includes the completing event), then events
 * release suppressions, then suppressions past their maximum duration expire.
 *
 * <p>Policies: those the job was started with, until a checked update arrives on the broadcast
 * input; from then on every decision (deferred and held actions included) uses the update and
 * records its version. An update applies from the moment this subtask receives it, not from an
 * event time: a replay without updates always decides with the starting policies.
 */
public final class JourneyFunction
    extends KeyedBroadcastProcessFunction<String, Either<CustomerEvent, RuleMatch>, String,
        Action>
    implements CheckpointedFunction {

  /**
   * Broadcast state: the policy document in force, under {@link #CURRENT_POLICY}. Empty until
   * the first accepted update; until then the policies the job was started with apply.
   */
  public static final MapStateDescriptor<String, String> POLICY_STATE =
      new MapStateDescriptor<>("policies", Types.STRING, Types.STRING);
  static final String CURRENT_POLICY = "current";

  /** Before 2026-12-07: the event-time buffers of events and of matches, read after a restore. */
  static final String PENDING_EVENTS = "pending-events";
  static final String PENDING_MATCHES = "pending-matches";
  /** Since 2026-12-07: events and matches in one event-time buffer (one column family). */
  static final String PENDING = "pending-inputs";
  static final String RECENT = "recent-events";
  static final String RECENT_COUNT = "recent-events-count";
  static final String ABSORBED_INTO = "absorbed-into";
  static final String OPEN_SUPPRESSIONS = "open-suppressions";
  static final String OPENED_BY = "suppression-opened-by";
  static final String PROFILE = "profile";
  static final String SENDS = "sends";
  static final String DEFERRED = "deferred-actions";
  static final String CONTEST = "arbitration-candidates";
  static final String AWAITING_APPROVAL = "awaiting-approval";
  static final String ENTERED = "journey-entered";
  static final String EXITED = "journey-exited";
  static final String ERASED_AT = "erased-at";
  static final String OPEN_JOURNEYS = "open-journeys";
  /** Since 2026-12 the open journeys are one value per customer; before, one entry per rule. */
  static final String JOURNEYS = "journeys";
  static final String CONTACTS = "contact-times";
  static final String STARTED = "journey-started";
  static final String FOLLOW_UPS = "follow-ups";
  static final String ATTRIBUTIONS = "holdout-attributions";
  static final String ANALYTICS_DUE = "analytics-due";
  /** Since 2026-12-02: what every timer checks, kept beside the maps it summarizes. */
  static final String TIMER_CHECKS = "timer-checks";
  /**
   * Since 2026-12-07 one value per customer holds what the states of open suppressions, the
   * matches that opened them, sends, contacts, held actions, re-entry and exit times, follow-ups
   * and attributions held: see {@link DecisionStore}.
   */
  static final String DECISION_STATE = "decision-state";
  /** Since 2026-12-07: the profile, the absorbing customer and the journey starts. */
  static final String CUSTOMER_CONTEXT = "customer-context";
  /** States of earlier versions that a restored job reads and moves while they hold data. */
  static final List<String> EARLIER_STATES = java.util.stream.Stream.of(
      List.of(OPEN_JOURNEYS, PENDING_EVENTS, PENDING_MATCHES), DecisionStore.EARLIER_CONTEXT,
      DecisionStore.EARLIER_DECISION).flatMap(List::stream).toList();
  static final String CONTACT = "contact.started";
  public static final String ERASE = "customer.erase";
  static final String APPROVAL_GRANTED = "approval.granted";
  static final String APPROVAL_REJECTED = "approval.rejected";

  /** Who wins a contest: highest priority, then the earliest, then by rule and action id. */
  static final Comparator<Action> ARBITRATION =
      Comparator.comparingInt(Action::getPriority).reversed()
          .thenComparing(Action::getOccurredAt)
          .thenComparing(Action::getRuleId)
          .thenComparing(Action::getActionId);

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(JourneyFunction.class);

  private static final Comparator<RuleMatch> MATCH_ORDER =
      Comparator.comparing(RuleMatch::getRuleId)
          .thenComparing(m -> m.getEvents().get(0).getEvent().getEventId());

  private final RuleSet rules;
  private final DecisionEngine initial;
  private final OutputTag<SuppressionSignal> suppressions;
  private final OutputTag<Decision> decisions;
  private final OutputTag<ErasureConfirmation> erasures;
  private final OutputTag<JourneyFact> facts;
  private final JourneySettings settings;
  /** Identity resolution: where an absorbed customer's state goes (the identity loop). */
  private OutputTag<IdentityMessage> transfers;

  /** Events and matches by event time, until the watermark passes it (on the heap). */
  private transient HeapTimeBuffer<Either<CustomerEvent, RuleMatch>> inputs;
  private int heapBufferLimit = HeapTimeBuffer.DEFAULT_LIMIT;
  /** Where inputs beyond the heap buffer's limit wait (and those of runs before 2026-12-07). */
  private transient MapState<Long, List<Either<CustomerEvent, RuleMatch>>> pending;
  /** The buffers of savepoints before 2026-12-07 (null unless they hold data). */
  private transient MapState<Long, List<CustomerEvent>> pendingEvents;
  private transient MapState<Long, List<RuleMatch>> pendingMatches;
  private transient ListState<ContextEvent> recent;
  /** Entries in {@link #recent}, so that appending needs no read of the list. */
  private transient ValueState<Integer> recentCount;
  /** Identity resolution: the survivor (type:value) this customer handed its state over to. */
  private transient ValueState<String> absorbedInto;
  private transient MapState<String, OpenSuppression> open;
  private transient MapState<String, RuleMatch> openedBy;
  private transient ValueState<CustomerProfile> profile;
  private transient ListState<SendRecord> sends;
  private transient MapState<Long, List<Action>> deferred;
  private transient MapState<Long, List<Action>> contest;
  private transient MapState<String, Action> awaiting;
  private transient MapState<String, Long> entered;
  private transient MapState<String, Long> exited;
  private transient ValueState<Long> erasedAt;
  /**
   * The open journeys, one value per customer: an event that several rules name reads and
   * writes it once, and the analytics check reads it without iterating a map whose deleted
   * entries (every journey that ended) RocksDB iterators have to step over.
   */
  private transient ValueState<List<OpenJourney>> journeyList;
  /** The form of savepoints before 2026-12, moved into {@link #journeyList} when first read. */
  private transient MapState<String, OpenJourney> legacyJourneys;
  /** Only state restored from a snapshot may hold the states of earlier versions. */
  private transient boolean restored;
  /** Those of {@link #EARLIER_STATES} that hold data, if the operator found out (else null). */
  private transient Set<String> earlierHeld;
  /**
   * Whether a customer without {@link TimerChecks} may still have something open: only while
   * the open suppressions or held actions of a savepoint before the checks are not all moved.
   */
  private transient boolean checksMayBeMissing;
  /** Where the maps, lists and values below live: two values per customer. */
  private transient DecisionStore store;
  /** The current key's open journeys by rule id while a timer runs (null: not read yet). */
  private transient Map<String, OpenJourney> journeysNow;
  private transient boolean journeysChanged;
  private transient ListState<Long> contacts;
  private transient MapState<String, Long> started;
  private transient MapState<String, JourneyFact> followUps;
  private transient MapState<String, JourneyFact> attributions;
  /** The earliest time a journey may be abandoned or a follow-up or attribution end. */
  private transient ValueState<Long> analyticsDue;
  /** {@link #analyticsDue} as the current timer sees it: read at most once, written at its end. */
  private transient Long dueNow;
  private transient boolean dueRead;
  private transient boolean dueChanged;
  /** {@link TimerChecks}: stored form, and the current timer's view of it. */
  private transient ValueState<long[]> checksState;
  private transient TimerChecks checks;
  private transient List<JourneyFact> factsOut;
  /** The current timer's timer service: {@link #far} under {@link JourneyOperator}. */
  private transient TimerService timers;
  /** Set by {@link JourneyOperator} after {@code open}: timers far ahead wait in keyed state. */
  private transient TimerService far;
  private transient RulesByEventType byType;
  /**
   * Read once per timer, not once per match or action: the open suppressions (null when
   * unknown or changed since) and the recent events and contact counts of {@link #sharedAt}.
   */
  private transient List<OpenSuppression> openCache;
  private transient Instant sharedAt;
  private transient List<ContextEvent> sharedRecent;
  private transient int[] sharedContacts;
  private transient Map<String, Counter> ruleCounters;
  private transient Counter actionsOut;
  private transient Counter signalsOut;
  private transient Map<DecisionOutcome, Counter> decisionsOut;
  /** The engine of the policies in force, and the document it was built from (null: initial). */
  private transient DecisionEngine engine;
  private transient String engineDocument;

  public JourneyFunction(
      RuleSet rules,
      DecisionEngine engine,
      OutputTag<SuppressionSignal> suppressions,
      OutputTag<Decision> decisions,
      OutputTag<ErasureConfirmation> erasures,
      OutputTag<JourneyFact> facts,
      JourneySettings settings) {
    this.rules = rules;
    this.initial = engine;
    this.suppressions = suppressions;
    this.decisions = decisions;
    this.erasures = erasures;
    this.facts = facts;
    this.settings = settings;
  }

  @Override
  public void initializeState(FunctionInitializationContext context) {
    restored = context.isRestored();
  }

  @Override
  public void snapshotState(FunctionSnapshotContext context) {
    // All state is keyed or broadcast state.
  }

  /**
   * Called by {@link JourneyOperator} before {@code open}: which earlier states hold data (only
   * those are read per customer). Without it a restored job reads every earlier state.
   */
  void earlierStatesHeld(Set<String> held) {
    earlierHeld = held;
  }

  /** Called by {@link JourneyOperator} after {@code open}. */
  void farTimers(TimerService timers) {
    far = timers;
  }

  /** At most {@code limit} inputs wait on the heap per subtask; more wait in keyed state. */
  /** Where the journey facts go (counted by {@link JourneyOperator#countingFacts}). */
  OutputTag<JourneyFact> facts() {
    return facts;
  }

  public JourneyFunction withHeapBuffer(int limit) {
    this.heapBufferLimit = limit;
    return this;
  }

  /** The heap buffer of inputs, checkpointed by {@link JourneyOperator}. */
  HeapTimeBuffer<Either<CustomerEvent, RuleMatch>> inputBuffer() {
    if (inputs == null) {
      inputs = new HeapTimeBuffer<>(heapBufferLimit);
    }
    return inputs;
  }

  /** With identity resolution: absorbed customers hand their state over through this output. */
  public JourneyFunction withTransfers(OutputTag<IdentityMessage> transfers) {
    this.transfers = transfers;
    return this;
  }

  @Override
  public void open(OpenContext openContext) {
    AvroTypeInfo<CustomerEvent> eventType = new AvroTypeInfo<>(CustomerEvent.class);
    AvroTypeInfo<RuleMatch> matchType = new AvroTypeInfo<>(RuleMatch.class);
    pending = getRuntimeContext().getMapState(new MapStateDescriptor<>(PENDING, Types.LONG,
        new ListTypeInfo<>(new EitherTypeInfo<>(eventType, matchType))));
    ListStateDescriptor<ContextEvent> recentDescriptor =
        new ListStateDescriptor<>(RECENT, new CompiledAvroTypeInfo<>(ContextEvent.class));
    recentDescriptor.enableTimeToLive(ttl(settings.idleTtl()));
    recent = getRuntimeContext().getListState(recentDescriptor);
    deferred =
        getRuntimeContext()
            .getMapState(new MapStateDescriptor<>(DEFERRED, Types.LONG,
                new ListTypeInfo<>(new AvroTypeInfo<>(Action.class))));
    contest =
        getRuntimeContext()
            .getMapState(new MapStateDescriptor<>(CONTEST, Types.LONG,
                new ListTypeInfo<>(new AvroTypeInfo<>(Action.class))));
    ValueStateDescriptor<Long> tombstone = new ValueStateDescriptor<>(ERASED_AT, Types.LONG);
    tombstone.enableTimeToLive(ttl(settings.tombstoneTtl()));
    erasedAt = getRuntimeContext().getState(tombstone);
    Set<String> held = !restored ? Set.of()
        : earlierHeld != null ? earlierHeld : Set.copyOf(EARLIER_STATES);
    JobMetrics.group(getRuntimeContext()).gauge(JobMetrics.HEAP_BUFFERED, inputBuffer()::size);
    if (held.contains(PENDING_EVENTS) || held.contains(PENDING_MATCHES)) {
      pendingEvents = getRuntimeContext().getMapState(
          new MapStateDescriptor<>(PENDING_EVENTS, Types.LONG, new ListTypeInfo<>(eventType)));
      pendingMatches = getRuntimeContext().getMapState(
          new MapStateDescriptor<>(PENDING_MATCHES, Types.LONG, new ListTypeInfo<>(matchType)));
    }
    store = new DecisionStore(getRuntimeContext(), ttl(settings.idleTtl()), held);
    checksMayBeMissing = held.contains(OPEN_SUPPRESSIONS) || held.contains(AWAITING_APPROVAL);
    ValueStateDescriptor<Integer> recentCountDescriptor =
        new ValueStateDescriptor<>(RECENT_COUNT, Types.INT);
    recentCountDescriptor.enableTimeToLive(ttl(settings.idleTtl()));
    recentCount = getRuntimeContext().getState(recentCountDescriptor);
    absorbedInto = store.contextValue(CustomerContextState::getAbsorbedInto,
        CustomerContextState::setAbsorbedInto);
    profile = store.contextValue(CustomerContextState::getProfile,
        CustomerContextState::setProfile);
    started = store.contextMap(CustomerContextState::getStarted);
    open = store.decisionMap(DecisionState::getOpenSuppressions);
    openedBy = store.decisionMap(DecisionState::getOpenedBy);
    sends = store.decisionList(DecisionState::getSends, DecisionState::setSends);
    contacts = store.decisionList(DecisionState::getContactTimes, DecisionState::setContactTimes);
    awaiting = store.decisionMap(DecisionState::getAwaitingApproval);
    entered = store.decisionMap(DecisionState::getEntered);
    exited = store.decisionMap(DecisionState::getExited);
    followUps = store.decisionMap(DecisionState::getFollowUps);
    attributions = store.decisionMap(DecisionState::getAttributions);
    // The values every timer reads stay small states of their own: decoding the decision state
    // for each event cost about 15% more CPU per event (JMH StagesBenchmark.decisions).
    journeyList = getRuntimeContext().getState(new ValueStateDescriptor<>(JOURNEYS,
        new ListSerializer<>(OpenJourneySerializer.INSTANCE)));
    if (held.contains(OPEN_JOURNEYS)) {
      legacyJourneys = getRuntimeContext().getMapState(new MapStateDescriptor<>(OPEN_JOURNEYS,
          Types.STRING, new AvroTypeInfo<>(OpenJourney.class)));
    }
    checksState = getRuntimeContext().getState(new ValueStateDescriptor<>(TIMER_CHECKS,
        PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
    analyticsDue = getRuntimeContext()
        .getState(new ValueStateDescriptor<>(ANALYTICS_DUE, Types.LONG));
    factsOut = new ArrayList<>();
    byType = new RulesByEventType(rules);
    ruleCounters = new java.util.HashMap<>();
    actionsOut = JobMetrics.group(getRuntimeContext()).counter(JobMetrics.ACTIONS);
    signalsOut = JobMetrics.group(getRuntimeContext()).counter(JobMetrics.SUPPRESSION_SIGNALS);
    decisionsOut = new java.util.EnumMap<>(DecisionOutcome.class);
    for (DecisionOutcome outcome : DecisionOutcome.values()) {
      decisionsOut.put(outcome, JobMetrics.group(getRuntimeContext())
          .addGroup("outcome", outcome.name()).counter(JobMetrics.DECISIONS));
    }
    engine = initial;
    engineDocument = null;
  }

  /** Processing-time expiry, cleaned up by RocksDB compaction. */
  private static StateTtlConfig ttl(Duration ttl) {
    return StateTtlConfig.newBuilder(ttl)
        .updateTtlOnCreateAndWrite()
        .neverReturnExpired()
        .cleanupInRocksdbCompactFilter(1000)
        .build();
  }

  @Override
  public void processElement(Either<CustomerEvent, RuleMatch> input, ReadOnlyContext ctx,
      Collector<Action> out) throws Exception {
    if (input.isLeft()) {
      CustomerEvent event = input.left();
      if (event.getShadowOf() != null) {
        return; // a copy for the rules of a customer absorbed by shadowOf: not this one's event
      }
      inputs.add(ctx.getCurrentKey(), event.getOccurredAt().toEpochMilli(), input, pending,
          ctx.timerService());
    } else {
      RuleMatch match = input.right();
      if (shadowsOnly(match)) {
        return; // the customer the copies belong to matched the same events itself
      }
      inputs.add(ctx.getCurrentKey(), match.getMatchedAt().toEpochMilli(), input, pending,
          ctx.timerService());
    }
  }

  /** A match made only of copies of another customer's events (identity resolution). */
  private static boolean shadowsOnly(RuleMatch match) {
    return !match.getEvents().isEmpty()
        && match.getEvents().stream().allMatch(e -> e.getEvent().getShadowOf() != null);
  }

  /**
   * A policy update, already checked by {@link PolicyUpdateGate}: it is in force for every
   * decision this subtask makes from now on (deferred and held actions included).
   */
  @Override
  public void processBroadcastElement(String document, Context ctx, Collector<Action> out)
      throws Exception {
    ctx.getBroadcastState(POLICY_STATE).put(CURRENT_POLICY, document);
    refresh(ctx.getBroadcastState(POLICY_STATE));
  }

  /** Rebuilds the engine when the document in force changed (or was restored). */
  private void refresh(ReadOnlyBroadcastState<String, String> state) throws Exception {
    String document = state.get(CURRENT_POLICY);
    if (document == null || document.equals(engineDocument)) {
      return;
    }
    engine = new DecisionEngine(PolicyLoader.parse(POLICY_STATE.getName(), document));
    engineDocument = document;
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Action> out)
      throws Exception {
    refresh(ctx.getBroadcastState(POLICY_STATE));
    timers = far != null ? far : ctx.timerService();
    store.reset();
    openCache = null; // another key, or this one's state moved on since the last timer
    sharedAt = null;
    journeysNow = null;
    journeysChanged = false;
    checks = null;
    dueRead = false;
    dueChanged = false;
    String customerId = ctx.getCurrentKey();
    Instant now = Instant.ofEpochMilli(timestamp);
    List<CustomerEvent> events = null;
    List<RuleMatch> matches = null;
    List<Either<CustomerEvent, RuleMatch>> atTime = inputs.take(customerId, timestamp, pending);
    if (atTime != null) {
      for (Either<CustomerEvent, RuleMatch> input : atTime) {
        if (input.isLeft()) {
          events = add(events, input.left());
        } else {
          matches = add(matches, input.right());
        }
      }
    }
    if (pendingEvents != null) {
      events = addAll(events, pendingEvents.get(timestamp));
      matches = addAll(matches, pendingMatches.get(timestamp));
      pendingEvents.remove(timestamp);
      pendingMatches.remove(timestamp);
    }
    List<RuleMatch> adopted = new ArrayList<>();
    if (events != null) {
      events.sort(Comparator.comparing(CustomerEvent::getEventId));
      for (CustomerEvent e : events) {
        if (e.getEventType().equals(ERASE)) {
          erase(e, customerId, ctx);
        } else if (IdentityEvents.isIdentityEvent(e)) {
          if (e.getEventType().equals(IdentityEvents.MERGED)) {
            handOver(e, customerId, now, ctx);
          } else if (transfers != null && absorbedInto.value() != null) {
            passOn(e, customerId, ctx);
          } else {
            adopted.addAll(takeOver(e, customerId, now, ctx));
          }
        }
      }
      events.removeIf(e -> e.getEventType().equals(ERASE) || IdentityEvents.isIdentityEvent(e));
    }
    if (transfers != null && (events != null || matches != null)
        && absorbedInto.value() != null) {
      // Absorbed and handed over: what still arrives here (in flight during the merge, or a
      // match of a journey begun here) is the survivor's to decide, with its context.
      forward(events, matches, customerId, ctx);
      events = null;
      matches = null;
    }
    if (events != null) {
      remember(events, now);
    }
    if (!adopted.isEmpty()) {
      matches = matches == null ? new ArrayList<>() : new ArrayList<>(matches);
      matches.addAll(adopted);
    }
    List<Action> candidates = new ArrayList<>();
    if (matches != null) {
      matches.sort(MATCH_ORDER);
      for (RuleMatch match : matches) {
        candidates.addAll(candidates(match, ctx));
      }
    }
    if (events != null) {
      for (CustomerEvent event : events) {
        releaseBy(event, customerId, ctx);
        exitBy(event, now, ctx);
        observe(event, now);
      }
    }
    expire(now, customerId, ctx);
    arbitrate(candidates, timestamp, ctx, out);
    if (events != null) {
      for (CustomerEvent event : events) {
        answer(event, now, ctx, out);
      }
    }
    expireApprovals(now, ctx);
    List<Action> due = deferred.get(timestamp);
    if (due != null) {
      deferred.remove(timestamp);
      List<OpenSuppression> openNow = openSuppressions();
      for (Action action : due) {
        govern(action, DecisionEngine.QuietHoursHandling.IGNORE, true, openNow, now, ctx, out);
      }
    }
    analyticsDue(timestamp);
    storeJourneys();
    storeChecks();
    storeDue();
    store.flush();
    for (JourneyFact f : factsOut) {
      ctx.output(facts, f);
    }
    factsOut.clear();
  }

  private static <T> List<T> add(List<T> list, T item) {
    List<T> to = list == null ? new ArrayList<>() : list;
    to.add(item);
    return to;
  }

  private static <T> List<T> addAll(List<T> list, List<T> items) {
    if (items == null) {
      return list;
    }
    List<T> to = list == null ? new ArrayList<>() : list;
    to.addAll(items);
    return to;
  }

  /** The current customer's {@link TimerChecks}, read once per timer. */
  private TimerChecks checks() throws Exception {
    if (checks == null) {
      long[] stored = checksState.value();
      if (stored != null || !checksMayBeMissing) {
        checks = TimerChecks.of(stored);
      } else {
        // Earlier suppression or approval states hold data: the savepoint may be older than the
        // checks (2026-12-02). Ask the maps (moving this customer's earlier states).
        checks = summarize();
        if (!checks.isEmpty()) {
          checks.changed();
        }
      }
    }
    return checks;
  }

  /** Writes the checks back if a timer changed what they summarize. */
  private void storeChecks() throws Exception {
    if (checks != null && checks.isChanged()) {
      TimerChecks now = summarize();
      if (now.isEmpty()) {
        checksState.clear();
      } else {
        checksState.update(now.toArray());
      }
    }
    checks = null;
  }

  /** The checks as the maps are now (one iterator each). */
  private TimerChecks summarize() throws Exception {
    long ends = TimerChecks.NONE;
    for (OpenSuppression s : open.values()) {
      long end = s.getUntil() == null ? Long.MAX_VALUE : s.getUntil().toEpochMilli();
      ends = ends == TimerChecks.NONE ? end : Math.min(ends, end);
    }
    long since = TimerChecks.NONE;
    for (Action a : awaiting.values()) {
      long decided = a.getDecidedAt().toEpochMilli();
      since = since == TimerChecks.NONE ? decided : Math.min(since, decided);
    }
    return new TimerChecks(ends, since);
  }

  private void await(Action action) throws Exception {
    checks().changed();
    awaiting.put(action.getActionId(), action);
  }

  private void stopAwaiting(String actionId) throws Exception {
    checks().changed();
    awaiting.remove(actionId);
  }

  private void clearAwaiting() throws Exception {
    checks().changed();
    awaiting.clear();
  }

  private List<OpenSuppression> openSuppressions() throws Exception {
    if (openCache == null && !checks().anyOpen()) {
      openCache = List.of();
    } else if (openCache == null) {
      List<OpenSuppression> openNow = new ArrayList<>();
      open.values().forEach(openNow::add);
      openNow.sort(Comparator.comparing(OpenSuppression::getScope));
      openCache = java.util.Collections.unmodifiableList(openNow);
    }
    return openCache;
  }

  /** Puts or removes (null) an open suppression; changes of {@link #open} go through here. */
  private void setOpen(String scope, OpenSuppression suppression) throws Exception {
    openCache = null;
    checks().changed();
    if (suppression == null) {
      open.remove(scope);
    } else {
      open.put(scope, suppression);
    }
  }

  private void remember(List<CustomerEvent> events, Instant now) throws Exception {
    List<ContextEvent> fresh = new ArrayList<>(events.size());
    CustomerProfile p = null;
    boolean changed = false;
    List<Long> contactTimes = null;
    for (CustomerEvent e : events) {
      track(e);
      if (e.getEventType().equals(CONTACT)) {
        if (contactTimes == null) {
          contactTimes = new ArrayList<>();
          long forget = now.minus(Duration.ofDays(30)).toEpochMilli();
          for (Long t : contacts.get()) {
            if (t > forget) {
              contactTimes.add(t);
            }
          }
        }
        contactTimes.add(e.getOccurredAt().toEpochMilli());
      }
      fresh.add(JourneyRecords.contextEvent(e));
      if (Profiles.updates(e)) {
        p = Profiles.apply(changed ? p : profile.value(), e);
        changed = true;
      }
    }
    if (changed) {
      profile.update(p);
    }
    if (contactTimes != null) {
      contacts.update(contactTimes);
    }
    // Appending is a write without a read (RocksDB merges it); the list is trimmed only once it
    // holds twice the maximum, and readers keep the newest ones within the age limit. Reading
    // and rewriting the whole list on every event was the job's largest cost per event.
    if (fresh.isEmpty()) {
      return;
    }
    recent.addAll(fresh);
    Integer stored = recentCount.value();
    int count = (stored == null ? 0 : stored) + fresh.size();
    if (count > 2 * settings.maxRecentEvents()) {
      List<ContextEvent> kept = recentEvents(now);
      recent.update(kept);
      count = kept.size();
    }
    recentCount.update(count);
  }

  /** The newest recent events, at most the configured number, none older than the age limit. */
  private List<ContextEvent> recentEvents(Instant now) throws Exception {
    List<ContextEvent> kept = new ArrayList<>();
    Instant oldest = now.minus(settings.maxRecentAge());
    for (ContextEvent e : recent.get()) {
      if (!e.getOccurredAt().isBefore(oldest)) {
        kept.add(e);
      }
    }
    int from = Math.max(0, kept.size() - settings.maxRecentEvents());
    return new ArrayList<>(kept.subList(from, kept.size()));
  }

  /**
   * Follows where the customer is in each rule's journey, for action context: a rule's first
   * step opens it, a later step (in order) advances its stage, its window closes it. This is a
   * readable summary, not the rule's exact partial matches (those live in CEP).
   */
  private void track(CustomerEvent e) throws Exception {
    Instant t = e.getOccurredAt();
    // Only rules that name the event type can move: no state access for the others.
    for (Rule rule : byType.naming(e.getEventType())) {
      OpenJourney j = journeys().get(rule.id());
      if (j != null && closed(rule, j, t)) {
        abandon(rule, j);
        j = null;
      }
      List<io.journeyflow.patterns.StepSpec> steps = rule.steps();
      if (j == null) {
        if (steps.get(0).eventTypes().contains(e.getEventType())) {
          putJourney(new OpenJourney(rule.id(), rule.journey(), steps.get(0).name(), t, t,
              e.getEntityId()));
          fact(rule, JourneyFacts.ENTERED, t, null, null, null, null);
          fact(rule, JourneyFacts.STEP, t, steps.get(0).name(), null, null, null);
          if (!started.contains(rule.id())) {
            started.put(rule.id(), t.toEpochMilli());
          }
          if (rule.within() != null) {
            due(t.plus(rule.within()).toEpochMilli());
          }
        }
        continue;
      }
      int stage = 0;
      for (int i = 0; i < steps.size(); i++) {
        if (steps.get(i).name().equals(j.getStage())) {
          stage = i;
        }
      }
      for (int i = stage; i < steps.size(); i++) {
        io.journeyflow.patterns.StepSpec step = steps.get(i);
        if (!step.absent() && step.eventTypes().contains(e.getEventType())) {
          if (i > stage) {
            fact(rule, JourneyFacts.STEP, t, step.name(), null, null, null);
          }
          j.setStage(step.name());
          j.setLastEventAt(t);
          putJourney(j);
          break;
        }
      }
    }
  }

  /** The current customer's open journeys by rule id, read once per timer. */
  private Map<String, OpenJourney> journeys() throws Exception {
    if (journeysNow == null) {
      journeysNow = new TreeMap<>();
      List<OpenJourney> stored = journeyList.value();
      if (stored != null) {
        stored.forEach(j -> journeysNow.put(j.getRuleId(), j));
      } else if (legacyJourneys != null && !legacyJourneys.isEmpty()) {
        for (OpenJourney j : legacyJourneys.values()) {
          journeysNow.put(j.getRuleId(), j);
        }
        legacyJourneys.clear();
        journeysChanged = true;
      }
    }
    return journeysNow;
  }

  private void putJourney(OpenJourney j) throws Exception {
    journeys().put(j.getRuleId(), j);
    journeysChanged = true;
  }

  private void removeJourney(String ruleId) throws Exception {
    journeysChanged |= journeys().remove(ruleId) != null;
  }

  private void clearJourneys() throws Exception {
    journeys().clear();
    journeysChanged = true;
  }

  /** Writes the open journeys back if a timer changed them. */
  private void storeJourneys() throws Exception {
    if (journeysChanged) {
      if (journeysNow.isEmpty()) {
        journeyList.clear();
      } else {
        journeyList.update(new ArrayList<>(journeysNow.values()));
      }
    }
    journeysNow = null;
    journeysChanged = false;
  }

  /** Whether a journey's window has passed at {@code t}. */
  private static boolean closed(Rule rule, OpenJourney j, Instant t) {
    return rule.within() != null && !t.isBefore(j.getOpenedAt().plus(rule.within()));
  }

  private List<OpenJourney> openJourneys(String except, Instant now) throws Exception {
    List<OpenJourney> list = new ArrayList<>();
    List<OpenJourney> stale = new ArrayList<>();
    for (OpenJourney j : journeys().values()) {
      Rule rule = rules.rule(j.getRuleId());
      if (rule == null || closed(rule, j, now)) {
        stale.add(j); // windows close lazily, when they are read
      } else if (!j.getRuleId().equals(except)) {
        list.add(j);
      }
    }
    stale.sort(Comparator.comparing(OpenJourney::getRuleId));
    for (OpenJourney j : stale) {
      Rule rule = rules.rule(j.getRuleId());
      if (rule == null) {
        removeJourney(j.getRuleId());
      } else {
        abandon(rule, j);
      }
    }
    list.sort(Comparator.comparing(OpenJourney::getOpenedAt)
        .thenComparing(OpenJourney::getRuleId));
    return list;
  }

  /**
   * This customer was absorbed by another (identity resolution): hands its context, profile,
   * contact history, send history (for caps) and open suppressions over through the identity
   * loop, and keeps none of them. Nothing to hand over, nothing sent.
   */
  private void handOver(CustomerEvent merged, String customerId, Instant now, OnTimerContext ctx)
      throws Exception {
    if (transfers == null) {
      return; // identity resolution is off: no loop to hand over through
    }
    String survivor = IdentityEvents.survivor(merged); // type:value
    absorbedInto.update(survivor);
    List<ContextEvent> context = recentEvents(now);
    CustomerProfile p = profile.value();
    List<OpenSuppression> openNow = openSuppressions();
    List<SendRecord> sent = new ArrayList<>();
    sends.get().forEach(sent::add);
    List<Long> contactTimes = new ArrayList<>();
    contacts.get().forEach(contactTimes::add);
    Map<String, RuleMatch> opening = new HashMap<>();
    for (Map.Entry<String, RuleMatch> e : openedBy.entries()) {
      opening.put(e.getKey(), e.getValue());
    }
    List<OpenJourney> openNowJourneys = new ArrayList<>(journeys().values());
    Map<String, List<Action>> waiting = new HashMap<>();
    for (Map.Entry<Long, List<Action>> e : deferred.entries()) {
      waiting.put(Long.toString(e.getKey()), e.getValue());
    }
    List<Action> held = new ArrayList<>();
    awaiting.values().forEach(held::add);
    Map<String, Long> enteredAt = new HashMap<>();
    entered.entries().forEach(e -> enteredAt.put(e.getKey(), e.getValue()));
    Map<String, Long> exitedAt = new HashMap<>();
    exited.entries().forEach(e -> exitedAt.put(e.getKey(), e.getValue()));
    Map<String, Long> startedAt = new HashMap<>();
    started.entries().forEach(e -> startedAt.put(e.getKey(), e.getValue()));
    Map<String, JourneyFact> waitingFollowUps = new HashMap<>();
    followUps.entries().forEach(e -> waitingFollowUps.put(e.getKey(), e.getValue()));
    Map<String, JourneyFact> waitingOutcomes = new HashMap<>();
    attributions.entries().forEach(e -> waitingOutcomes.put(e.getKey(), e.getValue()));
    if (context.isEmpty() && p == null && openNow.isEmpty() && sent.isEmpty()
        && contactTimes.isEmpty() && openNowJourneys.isEmpty() && waiting.isEmpty()
        && held.isEmpty() && enteredAt.isEmpty() && exitedAt.isEmpty() && startedAt.isEmpty()
        && waitingFollowUps.isEmpty() && waitingOutcomes.isEmpty()) {
      return;
    }
    JourneyTransfer transfer = JourneyTransfer.newBuilder()
        .setAbsorbedId(customerId)
        .setSurvivingId(survivor)
        .setRecentEvents(context)
        .setProfile(p)
        .setOpenSuppressions(openNow)
        .setSends(sent)
        .setContactTimes(contactTimes)
        .setOpenedBy(opening)
        .setOpenJourneys(openNowJourneys)
        .setDeferred(waiting)
        .setAwaitingApproval(held)
        .setEntered(enteredAt)
        .setExited(exitedAt)
        .setStarted(startedAt)
        .setFollowUps(waitingFollowUps)
        .setAttributions(waitingOutcomes)
        .build();
    ctx.output(transfers,
        handOver(survivor, customerId, transfer));
    recent.clear();
    recentCount.clear();
    profile.clear();
    clearOpen();
    openedBy.clear();
    sends.clear();
    contacts.clear();
    clearJourneys();
    deferred.clear(); // their timers find nothing here
    clearAwaiting();
    entered.clear();
    exited.clear();
    started.clear();
    followUps.clear();
    attributions.clear();
    setDue(null); // its timer finds nothing due here
    LOG.info("Handed the journey state of customer {} over to the customer that absorbed it",
        LogSafe.customer(customerId));
  }

  /**
   * A hand-over that reached a customer absorbed meanwhile (a chain of merges: its sender was
   * absorbed by this one, this one by another) goes on, unchanged, to where this one's went.
   */
  private void passOn(CustomerEvent transferEvent, String customerId, OnTimerContext ctx)
      throws Exception {
    String survivor = absorbedInto.value();
    ctx.output(transfers, new IdentityMessage(survivor, customerId, survivor,
        IdentityEvents.state(transferEvent), false, Map.of(), null));
  }

  /** A hand-over through the identity loop, to the identity node of the survivor. */
  private static IdentityMessage handOver(String survivor, String customerId,
      JourneyTransfer transfer) throws java.io.IOException {
    return new IdentityMessage(survivor, customerId, survivor, transfer.toByteBuffer(), false,
        Map.of(), null);
  }

  /**
   * Takes over the state an absorbed customer handed over: both histories count from now.
   * Returns the rule matches it passed on, now this customer's, to be decided here.
   */
  private List<RuleMatch> takeOver(CustomerEvent transferEvent, String customerId, Instant now,
      OnTimerContext ctx) throws Exception {
    JourneyTransfer t;
    try {
      t = LoopRecords.journeyTransfer(IdentityEvents.state(transferEvent));
    } catch (Exception e) {
      // Only the job writes these (input may not use its event types); never stop for one.
      LOG.error("Ignored an unreadable identity hand-over for customer {}: {}",
          LogSafe.customer(customerId), e.toString());
      return List.of();
    }
    Map<String, ContextEvent> byId = new LinkedHashMap<>();
    for (ContextEvent e : recentEvents(now)) {
      byId.put(e.getEventId(), e);
    }
    t.getRecentEvents().forEach(e -> byId.putIfAbsent(e.getEventId(), e));
    List<ContextEvent> merged = new ArrayList<>(byId.values());
    merged.sort(Comparator.comparing(ContextEvent::getOccurredAt)
        .thenComparing(ContextEvent::getEventId));
    int from = Math.max(0, merged.size() - settings.maxRecentEvents());
    recent.update(new ArrayList<>(merged.subList(from, merged.size())));
    recentCount.update(merged.size() - from);
    if (t.getProfile() != null) {
      profile.update(Profiles.fill(profile.value(), t.getProfile()));
    }
    for (OpenSuppression s : t.getOpenSuppressions()) {
      if (!open.contains(s.getScope())) {
        setOpen(s.getScope(), s);
        RuleMatch opening = t.getOpenedBy().get(s.getSignalId());
        if (opening != null) {
          openedBy.put(s.getSignalId(), opening);
        }
        if (s.getUntil() != null) {
          timers.registerEventTimeTimer(s.getUntil().toEpochMilli());
        }
      }
    }
    if (!t.getSends().isEmpty()) {
      // A hand-over may arrive twice after a recovery (the loop is at-least-once).
      java.util.Set<SendRecord> known = new java.util.HashSet<>();
      sends.get().forEach(known::add);
      List<SendRecord> fresh = new ArrayList<>();
      for (SendRecord r : t.getSends()) {
        if (known.add(r)) {
          fresh.add(r);
        }
      }
      if (!fresh.isEmpty()) {
        sends.addAll(fresh);
      }
    }
    if (!t.getContactTimes().isEmpty()) {
      List<Long> all = new ArrayList<>();
      contacts.get().forEach(all::add);
      for (Long c : t.getContactTimes()) {
        if (!all.contains(c)) {
          all.add(c);
        }
      }
      all.sort(null);
      contacts.update(all);
    }
    for (OpenJourney j : t.getOpenJourneys()) {
      if (!journeys().containsKey(j.getRuleId())) {
        putJourney(j);
        Long start = t.getStarted().get(j.getRuleId());
        if (start != null) {
          started.put(j.getRuleId(), start); // resolution time counts from the first start
        }
      }
    }
    // Analytics go with the person: a contact to the survivor follows up the absorbed
    // customer's actions, an outcome event completes its holdout attribution.
    for (Map.Entry<String, JourneyFact> e : t.getFollowUps().entrySet()) {
      if (!followUps.contains(e.getKey())) {
        followUps.put(e.getKey(), e.getValue());
      }
    }
    for (Map.Entry<String, JourneyFact> e : t.getAttributions().entrySet()) {
      if (!attributions.contains(e.getKey())) {
        attributions.put(e.getKey(), e.getValue());
      }
    }
    if (!t.getOpenJourneys().isEmpty() || !t.getFollowUps().isEmpty()
        || !t.getAttributions().isEmpty()) {
      // Worked out by analyticsDue at the end of this very timer: when each of them ends.
      setDue(now.toEpochMilli());
    }
    for (Map.Entry<String, List<Action>> e : t.getDeferred().entrySet()) {
      long due = Long.parseLong(e.getKey());
      for (Action a : e.getValue()) {
        Action mine = Action.newBuilder(a).build();
        mine.setCustomerId(customerId);
        TimeBuffers.add(deferred, mine, due, timers);
      }
    }
    for (Action a : t.getAwaitingApproval()) {
      // Still waiting for the same person's answer; it expires when it would have.
      Action mine = Action.newBuilder(a).build();
      mine.setCustomerId(customerId);
      await(mine);
      timers.registerEventTimeTimer(
          mine.getDecidedAt().plus(engine.policies().approvalExpiry()).toEpochMilli());
    }
    for (Map.Entry<String, Long> e : t.getEntered().entrySet()) {
      Long mine = entered.get(e.getKey());
      entered.put(e.getKey(), mine == null ? e.getValue() : Math.max(mine, e.getValue()));
    }
    for (Map.Entry<String, Long> e : t.getExited().entrySet()) {
      Long mine = exited.get(e.getKey());
      exited.put(e.getKey(), mine == null ? e.getValue() : Math.max(mine, e.getValue()));
    }
    List<RuleMatch> adopted = new ArrayList<>();
    for (RuleMatch m : t.getMatches()) {
      RuleMatch mine = RuleMatch.newBuilder(m).build();
      mine.setCustomerId(customerId);
      adopted.add(mine);
    }
    return adopted;
  }

  /**
   * After the hand-over: events and matches that still reach the absorbed customer go to the
   * survivor through the identity loop, events as context, matches to be decided there.
   */
  private void forward(List<CustomerEvent> events, List<RuleMatch> matches, String customerId,
      OnTimerContext ctx) throws Exception {
    List<ContextEvent> context = new ArrayList<>();
    if (events != null) {
      for (CustomerEvent e : events) {
        context.add(JourneyRecords.contextEvent(e));
      }
    }
    if (context.isEmpty() && (matches == null || matches.isEmpty())) {
      return;
    }
    String survivor = absorbedInto.value();
    JourneyTransfer transfer = JourneyTransfer.newBuilder() // the rest keeps its defaults
        .setAbsorbedId(customerId)
        .setSurvivingId(survivor)
        .setRecentEvents(context)
        .setMatches(matches == null ? List.of() : matches)
        .build();
    ctx.output(transfers,
        handOver(survivor, customerId, transfer));
  }

  /**
   * Removes everything the job keeps about the customer and confirms it. Rule matches begun
   * before now live in CEP's own state until they complete or time out; the tombstone makes
   * sure they are dropped then.
   */
  private void erase(CustomerEvent request, String customerId, OnTimerContext ctx)
      throws Exception {
    recent.clear();
    recentCount.clear();
    absorbedInto.clear();
    profile.clear();
    sends.clear();
    clearOpen();
    openedBy.clear();
    deferred.clear();
    contest.clear();
    clearAwaiting();
    entered.clear();
    exited.clear();
    clearJourneys();
    contacts.clear();
    started.clear();
    followUps.clear();
    attributions.clear();
    setDue(null);
    erasedAt.update(request.getOccurredAt().toEpochMilli());
    LOG.info("Erased the state of customer {} (request {})", LogSafe.customer(customerId),
        request.getEventId());
    ctx.output(erasures, ErasureConfirmation.newBuilder()
        .setCustomerId(customerId)
        .setRequestEventId(request.getEventId())
        .setRequestedAt(request.getOccurredAt())
        .setRemoved(List.of(RECENT, PROFILE, SENDS, OPEN_SUPPRESSIONS, OPENED_BY, DEFERRED,
            CONTEST, AWAITING_APPROVAL, ENTERED, EXITED, OPEN_JOURNEYS, CONTACTS, STARTED,
            FOLLOW_UPS, ATTRIBUTIONS, "seen-event-ids"))
        .setNote("rule matches begun before the erasure are dropped when they complete"
            + " (tombstone kept " + settings.tombstoneTtl() + ")")
        .build());
  }

  /** The candidate actions of a match (opening its suppression first, if it has one). */
  private List<Action> candidates(RuleMatch match, OnTimerContext ctx) throws Exception {
    Rule rule = rules.rule(match.getRuleId());
    if (rule == null) {
      return List.of(); // a match restored from a rule that has since been removed
    }
    Long erased = erasedAt.value();
    if (erased != null
        && !match.getEvents().get(0).getEvent().getOccurredAt().isAfter(
            Instant.ofEpochMilli(erased))) {
      return List.of(); // began before the customer was erased: nothing of it may act
    }
    fact(rule, JourneyFacts.BREAKPOINT, match.getMatchedAt(), null, null, null, null);
    SuppressSpec spec = rule.suppress();
    if (spec != null) {
      openSuppression(rule, spec, match, ctx);
    }
    Instant now = match.getMatchedAt();
    shareContext(now);
    removeJourney(rule.id()); // the match completes this journey
    List<Action> actions = JourneyRecords.actions(rule, match, sharedRecent, openSuppressions(),
        openJourneys(rule.id(), now));
    for (Action a : actions) {
      a.getContext().setContactsLast7Days(sharedContacts[0]);
      a.getContext().setContactsLast30Days(sharedContacts[1]);
    }
    Instant started = match.getEvents().get(0).getEvent().getOccurredAt();
    Long exitedAt = exited.get(rule.journey());
    if (exitedAt != null && started.toEpochMilli() < exitedAt) {
      // The match began before the customer left the journey: it belongs to a closed journey.
      blockAll(actions, "JOURNEY_EXITED", "the customer left journey " + rule.journey()
          + " at " + Instant.ofEpochMilli(exitedAt) + ", after this match began", now, ctx);
      return List.of();
    }
    Long last = entered.get(rule.id());
    if (!rule.mayReenter(last == null ? null : Instant.ofEpochMilli(last), now)) {
      blockAll(actions, "REENTRY", "rule " + rule.id() + " already acted for this customer at "
          + Instant.ofEpochMilli(last) + (rule.reentryNever() ? " and never re-enters"
              : " and re-enters only after " + rule.reentryAfter()), now, ctx);
      return List.of();
    }
    entered.put(rule.id(), now.toEpochMilli());
    if (rule.holdout() != null) {
      boolean heldOut = Holdouts.heldOut(settings.holdoutSalt(), rule.id(), ctx.getCurrentKey(),
          rule.holdout().percent());
      attribute(rule, heldOut, now);
      if (heldOut) {
        for (Action a : actions) {
          record(ctx, JourneyRecords.decision(a, new DecisionEngine.Verdict(
              DecisionOutcome.HOLDOUT, null, a.getChannel(), "held out: the customer is in the "
                  + rule.holdout().percent() + "% holdout of rule " + rule.id()
                  + ", so the rule's effect can be measured; no action",
              Map.of("holdout.percent", Double.toString(rule.holdout().percent()),
                  "holdout.outcomes", String.join(",", rule.holdout().outcomes()),
                  "holdout.within", rule.holdout().within().toString()), null),
              engine.policies().version(), now));
        }
        return List.of();
      }
    }
    return actions;
  }

  /**
   * Reads the recent events and counts the contacts of the last 7 and 30 days at {@code now},
   * once for all matches of one instant (several rules often complete on the same event).
   */
  private void shareContext(Instant now) throws Exception {
    if (now.equals(sharedAt)) {
      return;
    }
    sharedRecent = recentEvents(now);
    int last7 = 0;
    int last30 = 0;
    for (Long t : contacts.get()) {
      long age = now.toEpochMilli() - t;
      if (age >= 0 && age < Duration.ofDays(30).toMillis()) {
        last30++;
        last7 += age < Duration.ofDays(7).toMillis() ? 1 : 0;
      }
    }
    sharedContacts = new int[] {last7, last30};
    sharedAt = now;
  }

  // ------------------------------------------------------------------------------------------
  // Journey analytics: facts for the per-rule windows, and per-rule Flink metrics.

  private void fact(Rule rule, String kind, Instant at, String detail, Long durationMillis,
      Boolean flag, Boolean heldOut) {
    fact(new JourneyFact(rule.id(), rule.version(), rule.journey(), kind, at, detail,
        durationMillis, flag, heldOut));
  }

  private void fact(JourneyFact f) {
    factsOut.add(f);
    String metric = switch (f.getKind()) {
      case JourneyFacts.ENTERED -> "journeysEntered";
      case JourneyFacts.RESOLVED -> "journeysResolved";
      case JourneyFacts.ABANDONED -> "journeysAbandoned";
      default -> null;
    };
    if (metric != null) {
      ruleCounters.computeIfAbsent(f.getRuleId() + "/" + metric, k -> JobMetrics
          .group(getRuntimeContext()).addGroup("rule", f.getRuleId()).counter(metric)).inc();
    }
  }

  /** Asks for an analytics check at {@code at} (abandonment, follow-up or attribution end). */
  private void due(long at) throws Exception {
    Long current = dueNow();
    if (current == null || at < current) {
      setDue(at);
      timers.registerEventTimeTimer(at);
    }
  }

  /** A journey whose window passed without a breakpoint. */
  private void abandon(Rule rule, OpenJourney j) throws Exception {
    Instant end = j.getOpenedAt().plus(rule.within());
    fact(rule, JourneyFacts.ABANDONED, end, j.getStage(), null, null, null);
    removeJourney(rule.id());
    started.remove(rule.id());
  }

  /** Starts counting outcome events for a treated or held-out customer (once per window). */
  private void attribute(Rule rule, boolean heldOut, Instant since) throws Exception {
    if (attributions.contains(rule.id())) {
      return;
    }
    attributions.put(rule.id(), new JourneyFact(rule.id(), rule.version(), rule.journey(),
        JourneyFacts.ATTRIBUTED, since, null, null, false, heldOut));
    due(since.plus(rule.holdout().within()).toEpochMilli());
  }

  /** A contact after an action, or an outcome event of a holdout comparison. */
  private void observe(CustomerEvent event, Instant now) throws Exception {
    if (event.getEventType().equals(CONTACT) && !followUps.isEmpty()) {
      List<String> repeated = new ArrayList<>();
      for (Map.Entry<String, JourneyFact> e : followUps.entries()) {
        if (now.isAfter(e.getValue().getAt())) {
          repeated.add(e.getKey());
        }
      }
      repeated.sort(null);
      for (String actionId : repeated) {
        JourneyFact f = followUps.get(actionId);
        followUps.remove(actionId);
        f.setAt(now);
        f.setFlag(true);
        fact(f);
      }
    }
    List<Rule> outcomeOf = byType.withOutcome(event.getEventType());
    if (outcomeOf.isEmpty() || attributions.isEmpty()) {
      return; // an iterator per event costs more than the look-up of the rules
    }
    for (Rule rule : outcomeOf) {
      JourneyFact f = attributions.get(rule.id());
      if (f != null && now.isAfter(f.getAt())) {
        attributions.remove(rule.id());
        f.setAt(now);
        f.setFlag(true);
        fact(f);
      }
    }
  }

  /** Closes what ended by {@code timestamp}: abandoned journeys, follow-ups, attributions. */
  private void analyticsDue(long timestamp) throws Exception {
    Long due = dueNow();
    if (due == null || due > timestamp) {
      return;
    }
    Instant now = Instant.ofEpochMilli(timestamp);
    long next = Long.MAX_VALUE;
    // Abandons the journeys whose window passed and returns the others.
    for (OpenJourney j : openJourneys(null, now)) {
      Rule rule = rules.rule(j.getRuleId());
      if (rule.within() != null) {
        next = Math.min(next, j.getOpenedAt().plus(rule.within()).toEpochMilli());
      }
    }
    next = Math.min(next, closeEnded(followUps, f -> settings.repeatContactWindow(), now));
    next = Math.min(next, closeEnded(attributions, f -> {
      Rule rule = rules.rule(f.getRuleId());
      return rule == null || rule.holdout() == null ? Duration.ZERO : rule.holdout().within();
    }, now));
    if (next == Long.MAX_VALUE) {
      setDue(null);
    } else {
      setDue(next);
      timers.registerEventTimeTimer(next);
    }
  }

  private Long dueNow() throws Exception {
    if (!dueRead) {
      dueNow = analyticsDue.value();
      dueRead = true;
    }
    return dueNow;
  }

  private void setDue(Long at) {
    dueNow = at;
    dueRead = true;
    dueChanged = true;
  }

  /** Writes {@link #analyticsDue} back if the timer changed it. */
  private void storeDue() throws Exception {
    if (dueChanged) {
      if (dueNow == null) {
        analyticsDue.clear();
      } else {
        analyticsDue.update(dueNow);
      }
    }
    dueRead = false;
    dueChanged = false;
    dueNow = null;
  }

  /**
   * Emits the pending facts whose window ended without what they wait for (flag false), and
   * returns the next end.
   */
  private long closeEnded(MapState<String, JourneyFact> pending,
      java.util.function.Function<JourneyFact, Duration> window, Instant now) throws Exception {
    long next = Long.MAX_VALUE;
    List<String> ended = new ArrayList<>();
    for (Map.Entry<String, JourneyFact> e : pending.entries()) {
      long end = e.getValue().getAt().plus(window.apply(e.getValue())).toEpochMilli();
      if (end <= now.toEpochMilli()) {
        ended.add(e.getKey());
      } else {
        next = Math.min(next, end);
      }
    }
    ended.sort(null);
    for (String key : ended) {
      JourneyFact f = pending.get(key);
      pending.remove(key);
      f.setAt(now);
      f.setFlag(false);
      fact(f);
    }
    return next;
  }

  private void blockAll(List<Action> actions, String reason, String why, Instant now,
      OnTimerContext ctx) {
    for (Action a : actions) {
      record(ctx, JourneyRecords.decision(a, new DecisionEngine.Verdict(
          DecisionOutcome.BLOCKED, reason, a.getChannel(), "blocked: " + why, Map.of(), null),
          engine.policies().version(), now));
    }
  }

  /** An exit event closes its rules' journeys and cancels their waiting actions. */
  private void exitBy(CustomerEvent event, Instant now, OnTimerContext ctx) throws Exception {
    for (Rule rule : byType.exitingOn(event.getEventType())) {
      exited.put(rule.journey(), now.toEpochMilli());
      removeJourney(rule.id());
      Long start = started.get(rule.id());
      if (start != null) {
        started.remove(rule.id());
        fact(rule, JourneyFacts.RESOLVED, now, null, now.toEpochMilli() - start, null, null);
      }
      String why = "journey " + rule.journey() + " closed by " + event.getEventType() + " "
          + event.getEventId();
      List<Action> cancelled = new ArrayList<>();
      for (Action a : awaiting.values()) {
        if (a.getJourney().equals(rule.journey())) {
          cancelled.add(a);
        }
      }
      for (Action a : cancelled) {
        stopAwaiting(a.getActionId());
      }
      for (Map.Entry<Long, List<Action>> entry : deferred.entries()) {
        List<Action> keep = new ArrayList<>();
        for (Action a : entry.getValue()) {
          (a.getJourney().equals(rule.journey()) ? cancelled : keep).add(a);
        }
        if (keep.size() != entry.getValue().size()) {
          entry.setValue(keep);
        }
      }
      cancelled.sort(Comparator.comparing(Action::getActionId));
      blockAll(cancelled, "JOURNEY_EXITED", why, now, ctx);
    }
  }

  /**
   * Candidates decided at the same time, or within the arbitration window, compete: the
   * winner among those the policies would let through is decided normally, the other
   * eligible ones are ARBITRATED_OUT, and ineligible ones get their own blocking decision.
   */
  private void arbitrate(List<Action> fresh, long timestamp, OnTimerContext ctx,
      Collector<Action> out) throws Exception {
    long window = engine.policies().arbitrationWindow().toMillis();
    List<Action> due;
    if (window == 0) {
      due = fresh;
    } else {
      for (Action a : fresh) {
        long end = timestamp + window;
        for (Long open : contest.keys()) {
          end = open >= timestamp ? Math.min(end, open) : end; // join an open window
        }
        TimeBuffers.add(contest, a, end, timers);
      }
      due = contest.get(timestamp);
      if (due == null) {
        return;
      }
      contest.remove(timestamp);
    }
    if (due.isEmpty()) {
      return;
    }
    Instant now = Instant.ofEpochMilli(timestamp);
    List<OpenSuppression> openNow = openSuppressions();
    if (due.size() == 1) {
      govern(due.get(0), quietHandling(due.get(0)), false, openNow, now, ctx, out);
      return;
    }
    List<SendRecord> history = history(now);
    Action winner = null;
    List<Action> eligible = new ArrayList<>();
    for (Action a : due) {
      DecisionOutcome outcome = engine.decide(a, quietHandling(a), profile.value(), history,
          openNow, now).outcome();
      if (outcome == DecisionOutcome.SENT || outcome == DecisionOutcome.DEFERRED) {
        eligible.add(a);
        winner = winner == null || ARBITRATION.compare(a, winner) < 0 ? a : winner;
      }
    }
    for (Action a : due) {
      if (a == winner || !eligible.contains(a)) {
        govern(a, quietHandling(a), false, openNow, now, ctx, out);
      } else {
        Map<String, String> values = new java.util.LinkedHashMap<>();
        values.put("arbitration.winner", winner.getActionType() + " of rule "
            + winner.getRuleId() + ", priority " + winner.getPriority());
        values.put("arbitration.window", engine.policies().arbitrationWindow().toString());
        DecisionEngine.Verdict lost = new DecisionEngine.Verdict(DecisionOutcome.BLOCKED,
            "ARBITRATED_OUT", a.getChannel(), "blocked: " + winner.getActionType()
                + " (priority " + winner.getPriority() + ") won over this action (priority "
                + a.getPriority() + ")", values, null);
        record(ctx,
            JourneyRecords.decision(a, lost, engine.policies().version(), now));
      }
    }
  }

  private DecisionEngine.QuietHoursHandling quietHandling(Action a) {
    io.journeyflow.patterns.ActionSpec spec = spec(a);
    return spec != null && spec.discardInQuietHours()
        ? DecisionEngine.QuietHoursHandling.DISCARD : DecisionEngine.QuietHoursHandling.DEFER;
  }

  /** The rule's spec of an action (by type), or null if the rule is gone. */
  private io.journeyflow.patterns.ActionSpec spec(Action a) {
    Rule rule = rules.rule(a.getRuleId());
    if (rule != null) {
      for (io.journeyflow.patterns.ActionSpec spec : rule.actions()) {
        if (spec.type().equals(a.getActionType())) {
          return spec;
        }
      }
    }
    return null;
  }

  /** An approval answer for an action waiting for one. */
  private void answer(CustomerEvent event, Instant now, OnTimerContext ctx,
      Collector<Action> out) throws Exception {
    boolean granted = event.getEventType().equals(APPROVAL_GRANTED);
    if (!granted && !event.getEventType().equals(APPROVAL_REJECTED)) {
      return;
    }
    Object id = event.getAttributes().get("actionId");
    Action waiting = id instanceof String ? awaiting.get((String) id) : null;
    if (waiting == null) {
      return; // unknown, already answered, or expired: nothing is waiting
    }
    stopAwaiting(waiting.getActionId());
    if (granted) {
      govern(waiting, quietHandling(waiting), true, openSuppressions(), now, ctx, out);
    } else {
      closeApproval(waiting, "APPROVAL_REJECTED", "rejected by " + event.getEventId(), now, ctx);
    }
  }

  private void expireApprovals(Instant now, OnTimerContext ctx) throws Exception {
    if (!checks().approvalExpiresBy(now.toEpochMilli(),
        engine.policies().approvalExpiry().toMillis())) {
      return;
    }
    List<Action> expired = new ArrayList<>();
    for (Action a : awaiting.values()) {
      if (!a.getDecidedAt().plus(engine.policies().approvalExpiry()).isAfter(now)) {
        expired.add(a);
      }
    }
    expired.sort(Comparator.comparing(Action::getActionId));
    for (Action a : expired) {
      stopAwaiting(a.getActionId());
      closeApproval(a, "APPROVAL_EXPIRED", "no answer within "
          + engine.policies().approvalExpiry(), now, ctx);
    }
  }

  private void closeApproval(Action a, String reason, String why, Instant now,
      OnTimerContext ctx) {
    record(ctx, JourneyRecords.decision(a, new DecisionEngine.Verdict(
        DecisionOutcome.BLOCKED, reason, a.getChannel(), "blocked: " + why, Map.of(), null),
        engine.policies().version(), now));
  }

  private List<SendRecord> history(Instant now) throws Exception {
    List<SendRecord> history = new ArrayList<>();
    Instant forget = now.minus(engine.policies().longestWindow());
    for (SendRecord s : sends.get()) {
      if (s.getAt().isAfter(forget)) {
        history.add(s);
      }
    }
    return history;
  }

  /** One decision per candidate; a sent action goes out on its decided channel. */
  private void govern(Action candidate, DecisionEngine.QuietHoursHandling quiet,
      boolean approved, List<OpenSuppression> openNow, Instant now, OnTimerContext ctx,
      Collector<Action> out) throws Exception {
    List<SendRecord> history = history(now);
    DecisionEngine.Verdict verdict =
        engine.decide(candidate, quiet, profile.value(), history, openNow, now);
    Policies.ApprovalRule byPolicy = engine.policies().approvalRule(candidate);
    boolean needsApproval = byPolicy != null
        || (spec(candidate) != null && spec(candidate).requiresApproval());
    if (!approved && needsApproval && verdict.outcome() != DecisionOutcome.BLOCKED) {
      // Held for a person: decided again, against the state of that moment, once approved.
      Instant expires = now.plus(engine.policies().approvalExpiry());
      candidate.setDecidedAt(now);
      await(candidate);
      timers.registerEventTimeTimer(expires.toEpochMilli());
      Map<String, String> values = new java.util.LinkedHashMap<>(verdict.values());
      values.put("approval.expires", expires.toString());
      values.put("approval.by", byPolicy == null ? "rule " + candidate.getRuleId()
          : "policy: " + byPolicy.describe());
      record(ctx, JourneyRecords.decision(candidate,
          new DecisionEngine.Verdict(DecisionOutcome.PENDING_APPROVAL, null, verdict.channel(),
              "waiting for approval (" + APPROVAL_GRANTED + " or " + APPROVAL_REJECTED
                  + " with attributes.actionId) until " + expires, values, null),
          engine.policies().version(), now));
      return;
    }
    record(ctx,
        JourneyRecords.decision(candidate, verdict, engine.policies().version(), now));
    if (verdict.outcome() == DecisionOutcome.DEFERRED) {
      // Decided again when the quiet hours end, against the state of that moment.
      TimeBuffers.add(deferred, candidate, verdict.deferredUntil().toEpochMilli(),
          timers);
    } else if (verdict.outcome() == DecisionOutcome.SENT) {
      candidate.setChannel(verdict.channel());
      candidate.setDecidedAt(now); // later than the match when it was deferred
      out.collect(candidate);
      actionsOut.inc();
      followUps.put(candidate.getActionId(), new JourneyFact(candidate.getRuleId(),
          candidate.getRuleVersion(), candidate.getJourney(), JourneyFacts.FOLLOWED_UP, now,
          null, null, false, null));
      due(now.plus(settings.repeatContactWindow()).toEpochMilli());
      if (verdict.channel() != null) {
        history.add(new SendRecord(now, verdict.channel(), candidate.getPurpose()));
      }
      sends.update(history);
    }
  }

  private void openSuppression(Rule rule, SuppressSpec spec, RuleMatch match, OnTimerContext ctx)
      throws Exception {
    List<String> newScopes = new ArrayList<>();
    for (String scope : spec.scopes()) {
      if (!open.contains(scope)) {
        newScopes.add(scope);
      }
    }
    if (newScopes.isEmpty()) {
      return; // already suppressed in every scope: do not signal again
    }
    Instant until = match.getMatchedAt().plus(spec.maxDuration());
    SuppressionSignal signal = JourneyRecords.suppress(rule, match, newScopes, until);
    for (String scope : newScopes) {
      setOpen(
          scope,
          OpenSuppression.newBuilder()
              .setScope(scope)
              .setRuleId(rule.id())
              .setRuleVersion(rule.version())
              .setJourney(rule.journey())
              .setReason(rule.description())
              .setSignalId(signal.getSignalId())
              .setSince(match.getMatchedAt())
              .setUntil(until)
              .build());
    }
    openedBy.put(signal.getSignalId(), match);
    timers.registerEventTimeTimer(until.toEpochMilli());
    emit(signal, ctx);
  }

  private void releaseBy(CustomerEvent event, String customerId, OnTimerContext ctx)
      throws Exception {
    if (!byType.mayRelease(event.getEventType()) || !checks().anyOpen()) {
      return; // most events release nothing: no state read for them
    }
    Map<String, List<OpenSuppression>> released = new TreeMap<>();
    for (OpenSuppression s : open.values()) {
      Rule rule = rules.rule(s.getRuleId());
      if (rule == null || rule.suppress() == null) {
        continue; // rule removed: the suppression ends at its maximum duration
      }
      if (rule.suppress().releasedBy(event, () -> openingEvents(s.getSignalId()))) {
        released.computeIfAbsent(s.getSignalId(), k -> new ArrayList<>()).add(s);
      }
    }
    String reason = "released by " + event.getEventType() + " " + event.getEventId();
    release(released, customerId, reason, event.getOccurredAt(), ctx);
  }

  private void clearOpen() throws Exception {
    openCache = null;
    checks().changed();
    open.clear();
  }

  /** The events of the match that opened a suppression (read only for a release condition). */
  private List<MatchedEvent> openingEvents(String signalId) {
    try {
      RuleMatch opening = openedBy.get(signalId);
      return opening == null ? List.of() : opening.getEvents();
    } catch (Exception e) {
      throw new IllegalStateException("unreadable state " + OPENED_BY, e);
    }
  }

  private void expire(Instant now, String customerId, OnTimerContext ctx) throws Exception {
    if (!checks().suppressionEndsBy(now.toEpochMilli())) {
      return; // nothing open, or nothing open ends yet: no iterator over the map
    }
    Map<String, List<OpenSuppression>> expired = new TreeMap<>();
    for (OpenSuppression s : open.values()) {
      if (s.getUntil() != null && !s.getUntil().isAfter(now)) {
        expired.computeIfAbsent(s.getSignalId(), k -> new ArrayList<>()).add(s);
      }
    }
    release(expired, customerId, "maximum duration reached", now, ctx);
  }

  private void release(
      Map<String, List<OpenSuppression>> bySignal,
      String customerId,
      String reason,
      Instant at,
      OnTimerContext ctx)
      throws Exception {
    for (Map.Entry<String, List<OpenSuppression>> group : bySignal.entrySet()) {
      List<String> scopes = new ArrayList<>();
      for (OpenSuppression s : group.getValue()) {
        scopes.add(s.getScope());
        setOpen(s.getScope(), null);
      }
      scopes.sort(null);
      OpenSuppression first = group.getValue().get(0);
      emit(JourneyRecords.release(customerId, first, scopes, reason, at), ctx);
      if (!stillOpen(group.getKey())) {
        openedBy.remove(group.getKey());
      }
    }
  }

  private boolean stillOpen(String signalId) throws Exception {
    for (OpenSuppression s : open.values()) {
      if (s.getSignalId().equals(signalId)) {
        return true;
      }
    }
    return false;
  }

  /** Every decision record leaves through here, counted by outcome. */
  private void record(ReadOnlyContext ctx, Decision decision) {
    decisionsOut.get(decision.getOutcome()).inc();
    fact(new JourneyFact(decision.getRuleId(), decision.getRuleVersion(), decision.getJourney(),
        JourneyFacts.DECISION, decision.getDecidedAt(),
        decision.getOutcome() == DecisionOutcome.BLOCKED
            ? "BLOCKED:" + decision.getReason() : decision.getOutcome().name(),
        null, null, null));
    ctx.output(decisions, decision);
  }

  private void emit(SuppressionSignal signal, OnTimerContext ctx) {
    ctx.output(suppressions, signal);
    signalsOut.inc();
  }
}
