package io.journeyflow.patterns.engine;

import io.journeyflow.patterns.Rule;
import io.journeyflow.patterns.StepMatcher;
import io.journeyflow.patterns.StepSpec;
import io.journeyflow.schema.CustomerEvent;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A rule compiled for the fast engine: a linear chain of slots (one per event a match takes)
 * evaluated on a small {@link RuleState} per customer, with the semantics of the rule's Flink CEP
 * pattern under the skip-past-last-event strategy. The caller feeds one customer's events in
 * CEP's event-time order ({@link EventKeys}) and advances event time on each watermark; the
 * matches come out in the order CEP emits them, as CEP's {@code Map<step, events>}.
 *
 * <p>Mirrored CEP behaviour: every event of the first step starts a partial match; a relaxed
 * slot takes the first event its condition accepts and ignores the others; a strict slot takes
 * the very next event or the partial match dies; an absence between two steps kills the partial
 * match while it waits for the next step (a strict one only on the very next event), and a
 * relaxed one also while it waits for the second and later repeats of a {@code times} step
 * before it (CEP's times states carry the following absence's stop edge); an absence at the
 * end makes a completed chain pending until the window passes. Before the events of a
 * timestamp, and on each watermark, partial matches with {@code t - start >= within} are dropped
 * (pending ones become matches). A completed match is emitted only when no partial match started
 * earlier; each emitted match drops every partial and held match that started at or before its
 * last event.
 */
public final class FastRule implements Serializable {

  private static final long serialVersionUID = 1L;

  /** One event of a match: which step it belongs to and how it is taken. */
  private record Slot(String step, StepMatcher take, boolean strict, StepMatcher guard,
      boolean guardNextOnly) implements Serializable {}

  private final Rule rule;
  private final Slot[] slots;
  /** The absence at the end of the rule, or null. */
  private final StepMatcher trailing;
  private final long windowMillis;
  private final Set<String> eventTypes;
  private final boolean seesEveryEvent;
  /**
   * Some slot waits under a strict absence, the only reader of {@link PartialMatch#fresh}: other
   * rules leave a partial match as it is when an event passes it by (no copy, no rewrite).
   */
  private final boolean tracksFresh;
  /** Event types that can only start a partial match: see {@link #onlyStarts}. */
  private final Set<String> startTypes;

  private FastRule(Rule rule, List<Slot> slots, StepMatcher trailing, Set<String> types,
      boolean seesEveryEvent) {
    this.rule = rule;
    this.slots = slots.toArray(new Slot[0]);
    this.trailing = trailing;
    this.windowMillis = rule.within() == null ? 0 : rule.within().toMillis();
    this.eventTypes = Set.copyOf(types);
    this.seesEveryEvent = seesEveryEvent;
    this.tracksFresh = Arrays.stream(this.slots).anyMatch(Slot::guardNextOnly);
    this.startTypes = seesEveryEvent || tracksFresh ? Set.of() : startTypes(this.slots, trailing);
  }

  /**
   * The first step's event types that no later step, absence or repeat names, when a new
   * partial match cannot complete at once (more than one slot, or an absence at the end); for
   * rules without strict contiguity or strict absences, where no partial match depends on
   * whether others saw an event.
   */
  private static Set<String> startTypes(Slot[] slots, StepMatcher trailing) {
    if (slots.length < 2 && trailing == null) {
      return Set.of();
    }
    Set<String> types = new HashSet<>(slots[0].take().eventTypes());
    for (int k = 0; k < slots.length; k++) {
      if (k > 0) {
        types.removeAll(slots[k].take().eventTypes());
      }
      if (slots[k].guard() != null) {
        types.removeAll(slots[k].guard().eventTypes());
      }
    }
    if (trailing != null) {
      types.removeAll(trailing.eventTypes());
    }
    return Set.copyOf(types);
  }

  /** The rule compiled for the fast engine, or empty if only Flink CEP can evaluate it. */
  public static Optional<FastRule> compile(Rule rule) {
    if (FastRuleSupport.unsupported(rule).isPresent()) {
      return Optional.empty();
    }
    List<Slot> slots = new ArrayList<>();
    Set<String> types = new HashSet<>();
    boolean strictAnywhere = false;
    StepMatcher guard = null;
    boolean guardNextOnly = false;
    StepMatcher trailing = null;
    List<StepSpec> steps = rule.steps();
    for (int i = 0; i < steps.size(); i++) {
      StepSpec step = steps.get(i);
      StepMatcher matcher = StepMatcher.of(rule, i);
      types.addAll(step.eventTypes());
      boolean strict = i > 0 && step.contiguity() == StepSpec.Contiguity.STRICT;
      strictAnywhere |= strict;
      if (step.absent()) {
        if (i == steps.size() - 1) {
          trailing = matcher;
        } else {
          guard = matcher;
          guardNextOnly = strict;
        }
        continue;
      }
      int times = step.timesFrom() == null ? 1 : step.timesFrom();
      // CEP's times states: the absence after the step already stops the later repeats.
      StepMatcher following = i + 1 < steps.size() && steps.get(i + 1).absent()
          && steps.get(i + 1).contiguity() != StepSpec.Contiguity.STRICT
          ? StepMatcher.of(rule, i + 1) : null;
      for (int r = 0; r < times; r++) {
        // Repeats follow each other like the step follows its predecessor (consecutive for
        // strict); only the first repeat waits under the absence before the step.
        slots.add(r == 0
            ? new Slot(step.name(), matcher, strict, guard, guardNextOnly)
            : new Slot(step.name(), matcher, strict, following, false));
      }
      guard = null;
      guardNextOnly = false;
    }
    return Optional.of(new FastRule(rule, slots, trailing, types, strictAnywhere));
  }

  public Rule rule() {
    return rule;
  }

  /** Every event type the rule looks at (steps and absences). */
  public Set<String> eventTypes() {
    return eventTypes;
  }

  /**
   * Whether the rule must see every event of the customer: strict contiguity is broken by any
   * other event. Otherwise it may be fed only the events of {@link #eventTypes()}.
   */
  public boolean seesEveryEvent() {
    return seesEveryEvent;
  }

  /**
   * Whether an event of {@code eventType} can only start a new partial match, as long as no
   * window that matters has passed ({@link #nextDeadline} is after the event): it
   * changes no open partial match, completes none and releases nothing, and the new one starts
   * after every open one. So it can be stored beside the state without reading it
   * ({@link RuleStateSerializer#startEntry}, folded in by {@link RuleStateSerializer#fold}).
   */
  public boolean onlyStarts(String eventType) {
    return startTypes.contains(eventType);
  }

  /** Whether {@code event} starts a partial match (the first step's condition). */
  public boolean starts(CustomerEvent event) throws Exception {
    return slots[0].take().test(event, StepMatcher.NONE);
  }

  /** The window in milliseconds, 0 without one. */
  public long windowMillis() {
    return windowMillis;
  }

  /**
   * Feeds one event with event time {@code timestamp}: first advances time to it (as CEP does
   * before each timestamp's events), then lets every partial match and the start take it.
   */
  public List<Map<String, List<CustomerEvent>>> process(
      RuleState state, CustomerEvent event, long timestamp) throws Exception {
    List<Map<String, List<CustomerEvent>>> out = new ArrayList<>(advanceTime(state, timestamp));
    List<PartialMatch> next = new ArrayList<>(state.partials.size() + 1);
    List<PartialMatch> potential = new ArrayList<>(1);
    for (PartialMatch p : state.partials) {
      step(p, event, timestamp, next, potential);
    }
    if (slots[0].take().test(event, StepMatcher.NONE)) {
      place(PartialMatch.start(event, timestamp), next, potential);
    }
    next.sort(PartialMatch::byStart);
    if (!sameElements(next, state.partials)) {
      state.partials = next;
      state.changes++;
    }
    release(state, potential, out);
    return out;
  }

  /**
   * Advances event time: drops partial matches whose window has passed; one waiting only for
   * the end of its window without the absent event becomes a match.
   */
  public List<Map<String, List<CustomerEvent>>> advanceTime(RuleState state, long timestamp) {
    if (windowMillis <= 0 || state.partials.isEmpty()) {
      return Collections.emptyList();
    }
    List<PartialMatch> keep = new ArrayList<>(state.partials.size());
    List<PartialMatch> potential = new ArrayList<>(1);
    for (PartialMatch p : state.partials) {
      if (timestamp - p.startTs >= windowMillis) {
        if (p.taken() == slots.length) {
          potential.add(p);
        }
      } else {
        keep.add(p);
      }
    }
    if (keep.size() == state.partials.size()) {
      return Collections.emptyList();
    }
    state.partials = keep;
    state.changes++;
    List<Map<String, List<CustomerEvent>>> out = new ArrayList<>();
    release(state, potential, out);
    return out;
  }

  /**
   * The event time by which {@code state} must be looked at without an event of the rule, or
   * Long.MAX_VALUE. A partial match's window end changes the output only if the partial match
   * holds back a completed match or waits for an absence at the end: those are due exactly.
   * Any other expired partial match is dropped by the next {@link #process} or
   * {@link #advanceTime} before anything else happens, whenever that is, so dropping them is
   * only clean-up: due once half of the partial matches have expired. Each clean-up then drops
   * at least half of what it reads, instead of one read and write per window end (a busy
   * customer holds thousands of partial matches, each read and written at every window end).
   */
  public long nextDeadline(RuleState state) {
    List<PartialMatch> partials = state.partials;
    if (windowMillis <= 0 || partials.isEmpty()) {
      return Long.MAX_VALUE;
    }
    if (!state.completed.isEmpty()) {
      return partials.get(0).startTs + windowMillis;
    }
    long due = partials.get(partials.size() / 2).startTs + windowMillis;
    if (trailing != null) {
      for (PartialMatch p : partials) {
        if (p.startTs + windowMillis >= due) {
          break;
        }
        if (p.taken() == slots.length) {
          return p.startTs + windowMillis; // the earliest one pending
        }
      }
    }
    return due;
  }

  private void step(PartialMatch p, CustomerEvent event, long timestamp,
      List<PartialMatch> next, List<PartialMatch> potential) throws Exception {
    Bound bound = new Bound(p);
    if (p.taken() == slots.length) {
      // Pending: only the absent event (before the window ends) can change it.
      if (!trailing.test(event, bound)) {
        next.add(p);
      }
      return;
    }
    Slot slot = slots[p.taken()];
    if (slot.guard() != null && (!slot.guardNextOnly() || p.fresh)
        && slot.guard().test(event, bound)) {
      return;
    }
    if (slot.take().test(event, bound)) {
      place(p.take(event, timestamp), next, potential);
    } else if (!slot.strict()) {
      next.add(tracksFresh ? p.seen() : p);
    }
  }

  private void place(PartialMatch p, List<PartialMatch> next, List<PartialMatch> potential) {
    if (p.taken() < slots.length || trailing != null) {
      next.add(p);
    } else {
      potential.add(p);
    }
  }

  /**
   * CEP's skip-strategy step: emits held and new completed matches, earliest first, while no
   * open partial match started earlier, pruning after each one.
   */
  private void release(RuleState state, List<PartialMatch> potential,
      List<Map<String, List<CustomerEvent>>> out) {
    if (potential.isEmpty() && state.completed.isEmpty()) {
      return;
    }
    List<PartialMatch> completed = new ArrayList<>(state.completed);
    completed.addAll(potential);
    completed.sort(PartialMatch::byStart);
    while (!completed.isEmpty()) {
      PartialMatch match = completed.get(0);
      if (!state.partials.isEmpty()
          && PartialMatch.byStart(match, state.partials.get(0)) >= 0) {
        break;
      }
      completed.remove(0);
      state.partials = prune(state.partials, match);
      completed = prune(completed, match);
      out.add(materialize(match));
    }
    if (!sameElements(completed, state.completed)) {
      state.completed = completed;
      state.changes++;
    }
  }

  private static boolean sameElements(List<PartialMatch> a, List<PartialMatch> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i) != b.get(i)) {
        return false;
      }
    }
    return true;
  }

  /** Skip past last event: nothing that started at or before the match's last event goes on. */
  private static List<PartialMatch> prune(List<PartialMatch> list, PartialMatch match) {
    List<PartialMatch> kept = new ArrayList<>(list.size());
    for (PartialMatch p : list) {
      if (PartialMatch.compare(p.startTs, p.startId, match.lastTs, match.lastId) > 0) {
        kept.add(p);
      }
    }
    return kept;
  }

  private Map<String, List<CustomerEvent>> materialize(PartialMatch match) {
    Map<String, List<CustomerEvent>> out = new LinkedHashMap<>();
    for (int i = 0; i < match.taken(); i++) {
      out.computeIfAbsent(slots[i].step(), s -> new ArrayList<>(1)).add(match.event(i));
    }
    return out;
  }

  /** The events of one partial match by step, for conditions. */
  private final class Bound implements StepMatcher.Bindings {
    private final PartialMatch p;

    Bound(PartialMatch p) {
      this.p = p;
    }

    @Override
    public CustomerEvent first(String step) {
      for (int i = 0; i < p.taken(); i++) {
        if (slots[i].step().equals(step)) {
          return p.event(i);
        }
      }
      return null;
    }

    @Override
    public boolean firstOfEntity(String step, String entityId) {
      for (int i = 0; i < p.taken(); i++) {
        if (slots[i].step().equals(step)) {
          // Slot 0's is kept beside the stored events: no event to decode.
          return entityId.equals(i == 0 ? p.firstEntity() : p.event(i).getEntityId());
        }
      }
      return true;
    }

    @Override
    public CustomerEvent last(String step) {
      for (int i = p.taken() - 1; i >= 0; i--) {
        if (slots[i].step().equals(step)) {
          return p.event(i);
        }
      }
      return null;
    }
  }
}
