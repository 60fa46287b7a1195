package io.journeyflow.jobs.operators;

import io.journeyflow.connectors.CompiledAvroTypeInfo;
import io.journeyflow.jobs.Uids;
import io.journeyflow.patterns.MatchOrder;
import io.journeyflow.patterns.Rule;
import io.journeyflow.patterns.engine.FastRule;
import io.journeyflow.patterns.engine.RuleState;
import io.journeyflow.patterns.engine.RuleStateSerializer;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.internal.MatchedEvent;
import io.journeyflow.schema.internal.RuleMatch;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.api.java.typeutils.MapTypeInfo;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * All rules the fast engine supports, in one keyed operator: one event-time buffer per customer
 * (events wait for the watermark, as in CEP's operator) and one small {@link RuleState} per
 * customer and rule. When the watermark passes buffered events they are fed in CEP's order
 * (timestamp, then event id) to the rules that look at them; an event-time timer at each rule
 * state's next deadline ({@link FastRule#nextDeadline}: the window end that can change its
 * output, or a clean-up of expired partial matches) makes timeouts and absences fire at the
 * same watermark as in CEP.
 *
 * <p>Each buffered instant has its own timer, and each customer one more at or before its
 * earliest deadline. Flink fires a key's timers in time order, so a timer handles only its own
 * instant: the events buffered for it, and the rules whose deadline is due by it; then the
 * customer's deadline timer is moved to the earliest deadline left (later window ends need none
 * before that: nothing of the rule can time out earlier). Timing out at window ends instead of
 * at the watermark gives the same matches in the same order as CEP (a partial match whose
 * window ended before an event is timed out before that event either way), and it needs no
 * scan of the buffer: an iterator over a customer's buffer steps over the deletion marker of
 * every instant it ever held, which made that scan most of the operator's time.
 *
 * <p>The rule states are one map per customer, keyed by rule version, holding only non-empty
 * states, beside a small index per customer ({@link FastRuleIndex}: for each rule with state,
 * the event time at which that state can next time out). A timer reads the index, then only
 * the states of the rules its events concern and of those whose deadline has come, and writes
 * back only what it touched. Entries of rule versions no longer deployed are dropped when the
 * index is read.
 *
 * <p>A busy customer keeps thousands of partial matches of a rule triggered by a busy event
 * type, and most of its events of that type only start one more. Such a start
 * ({@link FastRule#onlyStarts}) is stored as an entry of its own beside the rule's state,
 * counted in the index, without reading the state; the next timer that needs the state (an
 * event of a later step, a deadline) adds the entries to it in the order they started, which
 * is where processing them one by one would have put them.
 */
public final class FastRuleFunction
    extends KeyedProcessFunction<String, CustomerEvent, RuleMatch>
    implements CheckpointedFunction {

  private static final long serialVersionUID = 1L;

  private final List<FastRule> rules;
  private final CustomerKeys keys;
  /** Event types any rule looks at; null when some rule must see every event. */
  private final Set<String> types;

  /** State names: part of the savepoint contract of the fast path. */
  public static final String BUFFER = "fast-buffer";
  public static final String RULE_STATES = "fast-rules";
  /** The index as a map of rule keys, before 2026-12-02 evening: read after a restore. */
  public static final String INDEX = "fast-index";
  public static final String DEADLINES = "fast-deadlines";
  public static final String STARTS = "fast-starts";
  /** Suffix of a rule's key in the earlier index map: the count of its stored starts. */
  private static final String COUNT = "#starts";

  /** Events waiting for the watermark, on the heap ({@link HeapTimeBuffer}). */
  private transient HeapTimeBuffer<CustomerEvent> heap;
  private int heapBufferLimit = HeapTimeBuffer.DEFAULT_LIMIT;
  /** Where events beyond the heap buffer's limit wait (and those of runs before 2026-12-07). */
  private transient MapState<Long, List<CustomerEvent>> buffer;
  private transient MapState<String, RuleState> states;
  private transient ValueState<Map<String, Long>> legacyIndex;
  /** Per customer: {@link FastRuleIndex}'s stored form. */
  private transient ValueState<byte[]> deadlines;
  private transient FastRuleIndex index;
  /** Whether this operator was restored (only then can the earlier index map hold entries). */
  private boolean restored;
  /** Whether the earlier index map holds entries, if {@link FastRuleOperator} found out. */
  private transient Boolean earlierIndex;
  /** Starts stored beside a rule's state, by {@link #startKey}. */
  private transient MapState<String, byte[]> starts;
  /** Where the deadline timers go, if {@link FastRuleOperator} set it (else Flink's). */
  private transient TimerService far;
  /** Encodes stored starts and adds them to a state. */
  private transient RuleStateSerializer entries;

  /** Each rule's key in {@link #states} and {@link #index}. */
  private transient String[] keyOf;
  private transient Counter[] matches;

  public FastRuleFunction(List<FastRule> rules, CustomerKeys keys) {
    this.rules = List.copyOf(rules);
    this.keys = keys;
    Set<String> all = new HashSet<>();
    boolean everything = false;
    for (FastRule r : rules) {
      all.addAll(r.eventTypes());
      everything |= r.seesEveryEvent();
    }
    this.types = everything ? null : Set.copyOf(all);
  }

  @Override
  public void open(OpenContext openContext) {
    buffer = getRuntimeContext().getMapState(new MapStateDescriptor<>(BUFFER,
        Types.LONG, new ListTypeInfo<>(new AvroTypeInfo<>(CustomerEvent.class))));
    states = getRuntimeContext().getMapState(new MapStateDescriptor<>(RULE_STATES,
        StringSerializer.INSTANCE,
        new RuleStateSerializer(CompiledAvroTypeInfo.serializer(CustomerEvent.class))));
    if (restored && !Boolean.FALSE.equals(earlierIndex)) {
      legacyIndex = getRuntimeContext().getState(new ValueStateDescriptor<>(INDEX,
          new MapTypeInfo<>(Types.STRING, Types.LONG)));
    }
    deadlines = getRuntimeContext().getState(new ValueStateDescriptor<>(DEADLINES,
        PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    starts = getRuntimeContext().getMapState(new MapStateDescriptor<>(STARTS,
        Types.STRING, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    entries = new RuleStateSerializer(CompiledAvroTypeInfo.serializer(CustomerEvent.class));
    JobMetrics.group(getRuntimeContext()).gauge(JobMetrics.HEAP_BUFFERED, eventBuffer()::size);
    keyOf = new String[rules.size()];
    matches = new Counter[rules.size()];
    for (int i = 0; i < rules.size(); i++) {
      Rule rule = rules.get(i).rule();
      keyOf[i] = Uids.fastRuleState(rule.id(), rule.version());
      matches[i] = JobMetrics.group(getRuntimeContext()).addGroup("rule", rule.id())
          .counter(JobMetrics.MATCHES);
    }
    index = new FastRuleIndex(keyOf);
  }

  /** At most {@code limit} events wait on the heap per subtask; more wait in keyed state. */
  public FastRuleFunction withHeapBuffer(int limit) {
    this.heapBufferLimit = limit;
    return this;
  }

  /** The heap buffer of events, checkpointed by {@link FastRuleOperator}. */
  HeapTimeBuffer<CustomerEvent> eventBuffer() {
    if (heap == null) {
      heap = new HeapTimeBuffer<>(heapBufferLimit);
    }
    return heap;
  }

  /** Called by {@link FastRuleOperator} after {@code open}. */
  void farTimers(TimerService timers) {
    far = timers;
  }

  /** Called by {@link FastRuleOperator} before {@code open}. */
  void earlierIndexHeld(boolean held) {
    earlierIndex = held;
  }

  @Override
  public void initializeState(FunctionInitializationContext context) {
    restored = context.isRestored();
  }

  @Override
  public void snapshotState(FunctionSnapshotContext context) {
    // All state is keyed state.
  }

  @Override
  public void processElement(CustomerEvent event, Context ctx, Collector<RuleMatch> out)
      throws Exception {
    long ts = ctx.timestamp();
    // CEP drops what is not after the watermark; ingest has dead-lettered such events already.
    if (ts <= ctx.timerService().currentWatermark()) {
      return;
    }
    if (types != null && !types.contains(event.getEventType())) {
      return;
    }
    heap.add(ctx.getCurrentKey(), ts, event, buffer, ctx.timerService());
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<RuleMatch> out)
      throws Exception {
    FastRuleIndex at = readIndex();
    RuleState[] loaded = new RuleState[rules.size()];
    boolean[] stored = new boolean[rules.size()];
    boolean[] touched = new boolean[rules.size()];
    List<CustomerEvent> events = heap.take(ctx.getCurrentKey(), timestamp, buffer);
    if (events != null) {
      events.sort(new EventOrder());
      for (CustomerEvent event : events) {
        for (int i = 0; i < rules.size(); i++) {
          FastRule rule = rules.get(i);
          if (!rule.seesEveryEvent() && !rule.eventTypes().contains(event.getEventType())) {
            continue;
          }
          if (!touched[i] && rule.onlyStarts(event.getEventType())
              && at.deadline[i] != FastRuleIndex.NONE && at.deadline[i] > timestamp) {
            if (rule.starts(event)) {
              starts.put(startKey(keyOf[i], at.starts[i]), entries.startEntry(event, timestamp));
              at.starts[i]++;
              at.changed = true;
            }
            continue;
          }
          if (!touched[i]) {
            touched[i] = true;
            stored[i] = at.deadline[i] != FastRuleIndex.NONE;
            loaded[i] = stored[i] ? states.get(keyOf[i]) : new RuleState();
            foldStarts(i, loaded[i], at);
          }
          emit(i, rule.process(loaded[i], event, timestamp), out);
        }
      }
    }
    for (int i = 0; i < rules.size(); i++) {
      if (!touched[i] && at.deadline[i] != FastRuleIndex.NONE && at.deadline[i] <= timestamp) {
        touched[i] = true;
        stored[i] = true;
        loaded[i] = states.get(keyOf[i]);
        foldStarts(i, loaded[i], at);
      }
      if (!touched[i]) {
        continue;
      }
      FastRule rule = rules.get(i);
      emit(i, rule.advanceTime(loaded[i], timestamp), out);
      if (loaded[i].isEmpty()) {
        if (stored[i]) {
          states.remove(keyOf[i]);
          at.deadline[i] = FastRuleIndex.NONE;
          at.changed = true;
        }
      } else {
        if (!stored[i] || loaded[i].changes() > 0) {
          states.put(keyOf[i], loaded[i]);
        }
        long next = rule.nextDeadline(loaded[i]);
        if (next != at.deadline[i]) {
          at.changed = true;
          at.deadline[i] = next;
        }
      }
    }
    wakeUp(at, timestamp, far != null ? far : ctx.timerService());
    if (at.changed) {
      if (at.isEmpty()) {
        deadlines.clear();
      } else {
        deadlines.update(at.write());
      }
    }
  }

  /**
   * Keeps one timer per customer at or before its earliest deadline. A timer that fires early
   * (its deadline moved later) asks for the next one then; one at each rule's deadline made
   * several timers per customer, and heap timers are all written into every checkpoint.
   */
  private static void wakeUp(FastRuleIndex at, long timestamp, TimerService timerService) {
    long pending = at.wake > timestamp ? at.wake : FastRuleIndex.NONE;
    long earliest = at.earliest();
    if (earliest != Long.MAX_VALUE && (pending == FastRuleIndex.NONE || earliest < pending)) {
      timerService.registerEventTimeTimer(earliest);
      pending = earliest;
    }
    if (pending != at.wake) {
      at.wake = pending;
      at.changed = true;
    }
  }

  /** The key in {@link #starts} of the {@code n}th start stored for a rule. */
  private static String startKey(String ruleKey, long n) {
    return ruleKey + "#" + n;
  }

  /** Adds rule {@code i}'s stored starts to its state. */
  private void foldStarts(int i, RuleState state, FastRuleIndex at) throws Exception {
    long count = at.starts[i];
    if (count == 0) {
      return;
    }
    List<byte[]> started = new ArrayList<>((int) count);
    for (long n = 0; n < count; n++) {
      String key = startKey(keyOf[i], n);
      started.add(starts.get(key));
      starts.remove(key);
    }
    entries.fold(state, started);
    at.starts[i] = 0;
    at.changed = true;
  }

  /**
   * The current customer's index (the earlier map moved to it after a restore); drops the state
   * of retired rule versions.
   */
  private FastRuleIndex readIndex() throws Exception {
    index.clear();
    byte[] stored = deadlines.value();
    if (stored != null) {
      index.read(stored);
    } else if (legacyIndex != null) {
      Map<String, Long> legacy = legacyIndex.value();
      if (legacy != null) {
        index.read(legacy, COUNT);
        legacyIndex.clear();
      }
    }
    for (Map.Entry<String, Long> retired : index.retired.entrySet()) {
      states.remove(retired.getKey());
      for (long n = 0; n < retired.getValue(); n++) {
        starts.remove(startKey(retired.getKey(), n));
      }
    }
    return index;
  }

  private void emit(int i, List<Map<String, List<CustomerEvent>>> found,
      Collector<RuleMatch> out) {
    Rule rule = rules.get(i).rule();
    for (Map<String, List<CustomerEvent>> match : found) {
      List<MatchedEvent> events = MatchOrder.order(rule, match);
      matches[i].inc();
      out.collect(RuleMatch.newBuilder()
          .setCustomerId(keys.getKey(events.get(0).getEvent()))
          .setRuleId(rule.id())
          .setRuleVersion(rule.version())
          .setMatchedAt(RuleMatchEmitter.matchedAt(rule, events))
          .setEvents(events)
          .build());
    }
  }
}
