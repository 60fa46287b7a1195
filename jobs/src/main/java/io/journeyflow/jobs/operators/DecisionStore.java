package io.journeyflow.jobs.operators;

import io.journeyflow.connectors.CompiledAvroTypeInfo;
import io.journeyflow.schema.Action;
import io.journeyflow.schema.OpenSuppression;
import io.journeyflow.schema.internal.CustomerContextState;
import io.journeyflow.schema.internal.CustomerProfile;
import io.journeyflow.schema.internal.DecisionState;
import io.journeyflow.schema.internal.JourneyFact;
import io.journeyflow.schema.internal.RuleMatch;
import io.journeyflow.schema.internal.SendRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;

/**
 * Most of the decision operator's per-customer state as two keyed values instead of twelve
 * states: {@link DecisionState} (what must not expire) and {@link CustomerContextState} (expires
 * when the customer is idle). Each is read at most once per timer, only if the timer needs one
 * of its fields, and written once at its end; each is one RocksDB column family. A checkpoint's
 * synchronous part flushes one memtable per column family written since the last checkpoint, so
 * fewer families make it shorter (the latency tail). The values every timer reads (open
 * journeys, timer checks, analytics deadline, recent-events count) stay small states of their
 * own, so that no timer decodes these records for nothing.
 *
 * <p>A job restored from a savepoint of an earlier version moves a customer's state from the
 * earlier states into the two values the first time it reads them; only earlier states that
 * hold data ({@link EarlierStates}) are registered and read.
 */
final class DecisionStore {

  /** The states of savepoints before 2026-12-07 that {@link CustomerContextState} replaces. */
  static final List<String> EARLIER_CONTEXT = List.of(JourneyFunction.ABSORBED_INTO,
      JourneyFunction.PROFILE, JourneyFunction.STARTED);
  /** The states of savepoints before 2026-12-07 that {@link DecisionState} replaces. */
  static final List<String> EARLIER_DECISION = List.of(JourneyFunction.OPEN_SUPPRESSIONS,
      JourneyFunction.OPENED_BY, JourneyFunction.SENDS, JourneyFunction.CONTACTS,
      JourneyFunction.AWAITING_APPROVAL, JourneyFunction.ENTERED, JourneyFunction.EXITED,
      JourneyFunction.FOLLOW_UPS, JourneyFunction.ATTRIBUTIONS);

  private final Value<DecisionState> decision;
  private final Value<CustomerContextState> context;

  /** {@code earlierHeld}: the earlier states that hold data (empty unless restored). */
  DecisionStore(RuntimeContext runtime, StateTtlConfig idleTtl, Set<String> earlierHeld) {
    boolean earlierContext = EARLIER_CONTEXT.stream().anyMatch(earlierHeld::contains);
    boolean earlierDecision = EARLIER_DECISION.stream().anyMatch(earlierHeld::contains);
    Legacy legacy = earlierContext || earlierDecision ? new Legacy(runtime, idleTtl) : null;
    decision = new Value<>(
        runtime.getState(new ValueStateDescriptor<>(JourneyFunction.DECISION_STATE,
            new CompiledAvroTypeInfo<>(DecisionState.class))),
        earlierDecision ? legacy::decision : null,
        () -> new DecisionState(new HashMap<>(), new HashMap<>(), new ArrayList<>(),
            new ArrayList<>(), new HashMap<>(), new HashMap<>(), new HashMap<>(), new HashMap<>(),
            new HashMap<>()),
        DecisionStore::isEmpty);
    ValueStateDescriptor<CustomerContextState> contextDescriptor = new ValueStateDescriptor<>(
        JourneyFunction.CUSTOMER_CONTEXT, new CompiledAvroTypeInfo<>(CustomerContextState.class));
    contextDescriptor.enableTimeToLive(idleTtl);
    context = new Value<>(runtime.getState(contextDescriptor),
        earlierContext ? legacy::context : null,
        () -> new CustomerContextState(null, null, new HashMap<>()), DecisionStore::isEmpty);
  }

  /** Forgets what was read for the previous key; call before a timer works on a key. */
  void reset() {
    decision.reset();
    context.reset();
  }

  /** Writes back what the timer changed; call at the end of a timer. */
  void flush() throws Exception {
    decision.flush();
    context.flush();
  }

  /** The current customer's decision state, read once per timer. */
  DecisionState decision() {
    return decision.get();
  }

  void decisionChanged() {
    decision.changed = true;
  }

  /** The current customer's context beside the recent events, read once per timer. */
  CustomerContextState context() {
    return context.get();
  }

  void contextChanged() {
    context.changed = true;
  }

  /** A field of the decision state as a map state. */
  <K, V> MapState<K, V> decisionMap(Function<DecisionState, Map<K, V>> field) {
    return StateViews.map(() -> field.apply(decision()), this::decisionChanged);
  }

  /** A field of the decision state as a list state. */
  <T> ListState<T> decisionList(Function<DecisionState, List<T>> get,
      BiConsumer<DecisionState, List<T>> set) {
    return StateViews.list(() -> get.apply(decision()), v -> {
      set.accept(decision(), v);
      decisionChanged();
    });
  }

  /** A field of the context as a map state. */
  <K, V> MapState<K, V> contextMap(Function<CustomerContextState, Map<K, V>> field) {
    return StateViews.map(() -> field.apply(context()), this::contextChanged);
  }

  /** A nullable field of the context as a value state. */
  <T> ValueState<T> contextValue(Function<CustomerContextState, T> get,
      BiConsumer<CustomerContextState, T> set) {
    return StateViews.value(() -> get.apply(context()), v -> {
      set.accept(context(), v);
      contextChanged();
    });
  }

  private static boolean isEmpty(DecisionState s) {
    return s.getOpenSuppressions().isEmpty() && s.getOpenedBy().isEmpty()
        && s.getSends().isEmpty() && s.getContactTimes().isEmpty()
        && s.getAwaitingApproval().isEmpty() && s.getEntered().isEmpty()
        && s.getExited().isEmpty() && s.getFollowUps().isEmpty()
        && s.getAttributions().isEmpty();
  }

  private static boolean isEmpty(CustomerContextState c) {
    return c.getProfile() == null && c.getAbsorbedInto() == null && c.getStarted().isEmpty();
  }

  /**
   * One keyed value as a timer sees it: read at most once, written back once if changed. A
   * customer without it gets what the earlier states held (moved out of them, and then kept
   * even when empty, so that they are not read again) or else a new one.
   */
  private static final class Value<T> {
    private final ValueState<T> state;
    /** Null unless earlier states hold data for this value. */
    private final Callable<T> earlier;
    private final Supplier<T> fresh;
    private final Predicate<T> empty;
    private T now;
    private boolean changed;

    Value(ValueState<T> state, Callable<T> earlier, Supplier<T> fresh, Predicate<T> empty) {
      this.state = state;
      this.earlier = earlier;
      this.fresh = fresh;
      this.empty = empty;
    }

    T get() {
      if (now == null) {
        try {
          now = state.value();
          if (now == null && earlier != null) {
            now = earlier.call();
            changed = true;
          } else if (now == null) {
            now = fresh.get();
          }
        } catch (Exception e) {
          throw new IllegalStateException("Cannot read the state of the current customer", e);
        }
      }
      return now;
    }

    void flush() throws Exception {
      if (changed) {
        if (empty.test(now) && earlier == null) {
          state.clear();
        } else {
          state.update(now);
        }
      }
      reset();
    }

    void reset() {
      now = null;
      changed = false;
    }
  }

  /** The states of savepoints before 2026-12-07, with their exact descriptors (TTL included). */
  private static final class Legacy {
    private final ValueState<String> absorbedInto;
    private final ValueState<CustomerProfile> profile;
    private final MapState<String, Long> started;
    private final MapState<String, OpenSuppression> open;
    private final MapState<String, RuleMatch> openedBy;
    private final ListState<SendRecord> sends;
    private final ListState<Long> contacts;
    private final MapState<String, Action> awaiting;
    private final MapState<String, Long> entered;
    private final MapState<String, Long> exited;
    private final MapState<String, JourneyFact> followUps;
    private final MapState<String, JourneyFact> attributions;

    Legacy(RuntimeContext runtime, StateTtlConfig idleTtl) {
      absorbedInto = runtime.getState(withTtl(
          new ValueStateDescriptor<>(JourneyFunction.ABSORBED_INTO, Types.STRING), idleTtl));
      profile = runtime.getState(withTtl(new ValueStateDescriptor<>(JourneyFunction.PROFILE,
          new AvroTypeInfo<>(CustomerProfile.class)), idleTtl));
      started = runtime.getMapState(withTtl(
          new MapStateDescriptor<>(JourneyFunction.STARTED, Types.STRING, Types.LONG), idleTtl));
      open = runtime.getMapState(new MapStateDescriptor<>(JourneyFunction.OPEN_SUPPRESSIONS,
          Types.STRING, new AvroTypeInfo<>(OpenSuppression.class)));
      openedBy = runtime.getMapState(new MapStateDescriptor<>(JourneyFunction.OPENED_BY,
          Types.STRING, new AvroTypeInfo<>(RuleMatch.class)));
      sends = runtime.getListState(new ListStateDescriptor<>(JourneyFunction.SENDS,
          new AvroTypeInfo<>(SendRecord.class)));
      contacts = runtime.getListState(
          new ListStateDescriptor<>(JourneyFunction.CONTACTS, Types.LONG));
      awaiting = runtime.getMapState(new MapStateDescriptor<>(
          JourneyFunction.AWAITING_APPROVAL, Types.STRING, new AvroTypeInfo<>(Action.class)));
      entered = runtime.getMapState(
          new MapStateDescriptor<>(JourneyFunction.ENTERED, Types.STRING, Types.LONG));
      exited = runtime.getMapState(
          new MapStateDescriptor<>(JourneyFunction.EXITED, Types.STRING, Types.LONG));
      AvroTypeInfo<JourneyFact> factType = new AvroTypeInfo<>(JourneyFact.class);
      followUps = runtime.getMapState(
          new MapStateDescriptor<>(JourneyFunction.FOLLOW_UPS, Types.STRING, factType));
      attributions = runtime.getMapState(
          new MapStateDescriptor<>(JourneyFunction.ATTRIBUTIONS, Types.STRING, factType));
    }

    private static <D extends org.apache.flink.api.common.state.StateDescriptor<?, ?>> D withTtl(
        D descriptor, StateTtlConfig ttl) {
      descriptor.enableTimeToLive(ttl);
      return descriptor;
    }

    /** Moves the current customer's earlier decision states into one value. */
    DecisionState decision() throws Exception {
      DecisionState s = DecisionState.newBuilder().build();
      s.setOpenSuppressions(toMap(open));
      s.setOpenedBy(toMap(openedBy));
      s.setSends(toList(sends.get()));
      s.setContactTimes(toList(contacts.get()));
      s.setAwaitingApproval(toMap(awaiting));
      s.setEntered(toMap(entered));
      s.setExited(toMap(exited));
      s.setFollowUps(toMap(followUps));
      s.setAttributions(toMap(attributions));
      for (org.apache.flink.api.common.state.State old : List.of(open, openedBy, sends,
          contacts, awaiting, entered, exited, followUps, attributions)) {
        old.clear();
      }
      return s;
    }

    /** Moves the current customer's earlier context states into one value. */
    CustomerContextState context() throws Exception {
      CustomerContextState c = CustomerContextState.newBuilder().build();
      c.setProfile(profile.value());
      c.setAbsorbedInto(absorbedInto.value());
      c.setStarted(toMap(started));
      profile.clear();
      absorbedInto.clear();
      started.clear();
      return c;
    }

    private static <K, V> Map<K, V> toMap(MapState<K, V> state) throws Exception {
      Map<K, V> map = new HashMap<>();
      for (Map.Entry<K, V> e : state.entries()) {
        map.put(e.getKey(), e.getValue());
      }
      return map;
    }

    private static <T> List<T> toList(Iterable<T> items) {
      List<T> list = new ArrayList<>();
      if (items != null) {
        items.forEach(list::add);
      }
      return list;
    }
  }
}
