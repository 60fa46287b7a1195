package io.journeyflow.jobs.operators;

import io.journeyflow.jobs.identity.IdentifierTypes;
import io.journeyflow.jobs.identity.IdentifierTypes.Identifier;
import io.journeyflow.jobs.identity.IdentityNode;
import io.journeyflow.jobs.identity.IdentityProtocol;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.IdentityConflict;
import io.journeyflow.schema.IdentityMerged;
import io.journeyflow.schema.internal.IdentityMessage;
import io.journeyflow.schema.internal.IdentityNodeState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * One node of the identity graph per identifier key ({@link IdentityProtocol}): input 1 is each
 * event once per identifier it carries, input 2 the labels other nodes sent through the loop
 * topic. The node of an event's best identifier stamps the event with its customer and passes
 * it on (and copies to the customers it absorbed whose partial matches may still complete);
 * labels to send go to the loop, absorbed customers and refused links to their topics. Events
 * wait for the watermark and are observed in event-time order per identifier, so a link applies
 * to what happened after it whatever the arrival order. A weak identifier that heard two
 * customers is reported once labels had {@code settle} to stop moving.
 */
public final class IdentityFunction extends KeyedCoProcessFunction<
    String, Tuple2<String, CustomerEvent>, IdentityMessage, CustomerEvent> {

  private static final long serialVersionUID = 1L;

  /** State names: part of the savepoint contract. */
  public static final String NODE = "identity-node";
  public static final String PENDING = "identity-pending";
  public static final String PENDING_LINKS = "identity-pending-links";

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(IdentityFunction.class);

  private final IdentifierTypes types;
  private final Duration settle;
  private final OutputTag<IdentityMessage> messages;
  private final OutputTag<IdentityMerged> merges;
  private final OutputTag<IdentityConflict> conflicts;

  /** Loop records are delivered in place, at once ({@link LocalLoop}): no loop topic. */
  private boolean inPlace;
  /** How long an absorbed customer's partial rule matches may wait: the longest rule window. */
  private Duration partialMatchWindow = Duration.ZERO;

  private transient IdentityProtocol protocol;
  private transient ValueState<IdentityNodeState> state;
  private transient MapState<Long, List<CustomerEvent>> pending;
  /** Labels sent at an event time this key has not reached yet, by that time. */
  private transient MapState<Long, List<IdentityMessage>> pendingLinks;
  private transient Counter mergeCount;
  private transient Counter conflictCount;
  private transient Counter messageCount;

  public IdentityFunction(IdentifierTypes types, Duration settle,
      OutputTag<IdentityMessage> messages, OutputTag<IdentityMerged> merges,
      OutputTag<IdentityConflict> conflicts) {
    this.types = types;
    this.settle = settle;
    this.messages = messages;
    this.merges = merges;
    this.conflicts = conflicts;
  }

  /**
   * Without a loop topic: the operator delivers the labels this function sends straight back to
   * it, at the time of what sent them, and a contested identifier is checked just after that
   * time instead of after a pause in processing time.
   */
  public IdentityFunction inPlace() {
    this.inPlace = true;
    return this;
  }

  /**
   * Lets the partial rule matches of an absorbed customer complete with the events of the
   * customer that absorbed it: for {@code window} after the absorbed customer's last event,
   * every event of the survivor is also sent, as a copy marked {@code shadowOf}, to the absorbed
   * customer, whose journey forwards the matches it completes to the survivor.
   */
  public IdentityFunction withPartialMatchWindow(Duration window) {
    this.partialMatchWindow = window;
    return this;
  }

  OutputTag<IdentityMessage> messages() {
    return messages;
  }

  @Override
  public void open(OpenContext openContext) {
    protocol = new IdentityProtocol(types, partialMatchWindow);
    state = getRuntimeContext().getState(
        new ValueStateDescriptor<>(NODE, new AvroTypeInfo<>(IdentityNodeState.class)));
    pending = getRuntimeContext().getMapState(new MapStateDescriptor<>(PENDING, Types.LONG,
        new ListTypeInfo<>(new AvroTypeInfo<>(CustomerEvent.class))));
    pendingLinks = getRuntimeContext().getMapState(new MapStateDescriptor<>(PENDING_LINKS,
        Types.LONG, new ListTypeInfo<>(new AvroTypeInfo<>(IdentityMessage.class))));
    var group = JobMetrics.group(getRuntimeContext());
    mergeCount = group.counter(JobMetrics.IDENTITY_MERGES);
    conflictCount = group.counter(JobMetrics.IDENTITY_CONFLICTS);
    messageCount = group.counter(JobMetrics.IDENTITY_MESSAGES);
  }

  @Override
  public void processElement1(Tuple2<String, CustomerEvent> observed, Context ctx,
      Collector<CustomerEvent> out) throws Exception {
    long ts = ctx.timestamp();
    if (ts <= ctx.timerService().currentWatermark()) {
      observe(observed.f1, ctx, out, true); // late: ingest will divert it to the dead letters
      return;
    }
    // Links take effect in event-time order: an event waits for the watermark, so that a login
    // is applied before the contact a minute later, whichever arrived first.
    buffer(observed.f1, ctx);
  }

  private void buffer(CustomerEvent event, Context ctx) throws Exception {
    TimeBuffers.add(pending, event, event.getOccurredAt().toEpochMilli(), ctx.timerService());
  }

  /**
   * Applies an event's links at its identifier's node; {@code late} when it came behind the
   * watermark (its links still count; what they start must not be late downstream too).
   */
  private void observe(CustomerEvent event, Context ctx, Collector<CustomerEvent> out,
      boolean late) throws Exception {
    Identifier self = Identifier.parse(ctx.getCurrentKey());
    IdentityNode node = IdentityNode.of(self, state.value());
    List<Identifier> ids = types.of(event.getIdentities());
    if (JourneyFunction.ERASE.equals(event.getEventType())) {
      // The customer this identifier belongs to is erased, and with it every link of the
      // customer: the request goes to the journey of that customer, and the nodes forget.
      Identifier customer = node.label;
      if (ids.get(0).equals(self)) {
        event.setCustomerKey(customer.key());
        out.collect(event);
      }
      forget(self, node, customer, ctx);
      return;
    }
    long ts = event.getOccurredAt().toEpochMilli();
    Effects effects = new Effects(ctx, event.getEventId(), ts);
    Identifier customer = protocol.observe(self, node, ids, ts, effects);
    boolean stamps = ids.get(0).equals(self);
    if (stamps) {
      protocol.stamped(node, ts);
    }
    save(node);
    settleLater(self, node, ctx);
    if (stamps) {
      event.setCustomerKey(customer.key());
      if (!late) {
        for (Identifier alias : protocol.aliasesAt(node, ts)) {
          // A copy for each customer this one absorbed, so that their partial rule matches
          // can complete with it (their journeys forward the matches to this customer).
          out.collect(CustomerEvent.newBuilder(event).setCustomerKey(alias.key())
              .setShadowOf(customer.key()).build());
        }
      }
      out.collect(event);
    }
    for (CustomerEvent merged : effects.journeyEvents) {
      if (late) {
        merged.setOccurredAt(Instant.ofEpochMilli(ctx.timerService().currentWatermark() + 1));
        buffer(merged, ctx);
      } else {
        out.collect(merged); // at this event's time, after it
      }
    }
  }

  @Override
  public void processElement2(IdentityMessage message, Context ctx,
      Collector<CustomerEvent> out) throws Exception {
    // What a loop record starts happens just after the current event time: the journeys
    // downstream have seen this watermark already, so anything at it would be late there.
    // Delivered in place, it happens at the time of what sent it, before the watermark moves.
    long next = inPlace ? ctx.timestamp() : ctx.timerService().currentWatermark() + 1;
    if (message.getErase()) {
      IdentityNode node = state.value() == null ? null
          : IdentityNode.of(Identifier.parse(ctx.getCurrentKey()), state.value());
      if (node != null && node.label.toString().equals(message.getLabel())) {
        forget(Identifier.parse(ctx.getCurrentKey()), node, node.label, ctx);
      }
      return;
    }
    if (message.getTransfer() != null) {
      buffer(IdentityEvents.transfer(message, Math.max(0, next)), ctx);
      return;
    }
    Long sentAt = message.getAt();
    if (!inPlace && sentAt != null && sentAt >= next) {
      // Sent at an event time this key has not reached (its subtask's watermark lags behind
      // the sender's): applied then, so that the link does not reach back to earlier events.
      TimeBuffers.add(pendingLinks, message, sentAt, ctx.timerService());
      return;
    }
    for (CustomerEvent merged : applyLabel(message, Math.max(0, next), ctx)) {
      buffer(merged, ctx);
    }
  }

  /** Applies a label from a neighbour at event time {@code at}; returns the merge notices. */
  private List<CustomerEvent> applyLabel(IdentityMessage message, long at, Context ctx)
      throws Exception {
    Identifier self = Identifier.parse(ctx.getCurrentKey());
    IdentityNode node = IdentityNode.of(self, state.value());
    Effects effects = new Effects(ctx, null, at);
    protocol.receive(self, node, Identifier.parse(message.getFrom()),
        Identifier.parse(message.getLabel()), IdentityNode.parseAliases(message.getAliases()),
        at, effects);
    save(node);
    settleLater(self, node, ctx);
    return effects.journeyEvents;
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<CustomerEvent> out)
      throws Exception {
    if (ctx.timeDomain() == TimeDomain.EVENT_TIME) {
      // This node's own events of an instant before the labels its neighbours sent at that
      // instant: a label is usually the echo of one of those events seen by another node, and
      // the event names itself in the merge it causes. (Which arrived first depends on how far
      // the watermark lags behind the loop topic.)
      List<CustomerEvent> due = pending.get(timestamp);
      if (due != null) {
        pending.remove(timestamp);
        due.sort(new EventOrder());
        for (CustomerEvent event : due) {
          if (IdentityEvents.isIdentityEvent(event)) {
            out.collect(event); // from the loop: on to the journeys, in event time
          } else {
            observe(event, ctx, out, false);
          }
        }
      }
      List<IdentityMessage> links = pendingLinks.get(timestamp);
      if (links != null) {
        pendingLinks.remove(timestamp);
        for (IdentityMessage link : links) {
          for (CustomerEvent merged : applyLabel(link, timestamp, ctx)) {
            out.collect(merged); // at the link's own time: not late downstream
          }
        }
      }
      if (!inPlace) {
        return;
      }
    }
    Identifier self = Identifier.parse(ctx.getCurrentKey());
    IdentityNode node = IdentityNode.of(self, state.value());
    if (inPlace && !contested(types, self, node)) {
      return;
    }
    Effects effects = new Effects(ctx, null, Math.max(0, inPlace ? timestamp
        : ctx.timerService().currentWatermark()));
    protocol.settle(self, node, effects);
    save(node);
  }

  /**
   * Erasure: this node forgets itself and tells every neighbour; those of the same customer do
   * the same, so the request spreads through the customer's identifiers and stops at others'.
   */
  private void forget(Identifier self, IdentityNode node, Identifier customer, Context ctx) {
    for (Identifier neighbour : node.neighbours) {
      messageCount.inc();
      ctx.output(messages, IdentityMessage.newBuilder()
          .setTarget(neighbour.toString())
          .setFrom(self.toString())
          .setLabel(customer.toString())
          .setTransfer(null)
          .setErase(true)
          .build());
    }
    state.clear();
  }

  /**
   * Stores a node the protocol changed. Most events change nothing (an identifier seen again
   * with the same others), and a lone identifier is never stored: no state reads as itself.
   */
  private void save(IdentityNode node) throws Exception {
    if (node.changed) {
      state.update(node.toState());
    }
  }

  /** Checks a contested weak identifier once labels had time to stop moving. */
  private void settleLater(Identifier self, IdentityNode node, Context ctx) {
    if (inPlace && contested(types, self, node)) {
      // Labels delivered in place have all arrived once the events of this instant are done.
      ctx.timerService().registerEventTimeTimer(ctx.timestamp() + 1);
      return;
    }
    if (contested(types, self, node)) {
      // Rounded, so that a burst of labels leaves one timer per node and period.
      long now = ctx.timerService().currentProcessingTime();
      ctx.timerService().registerProcessingTimeTimer(
          (now / settle.toMillis() + 2) * settle.toMillis());
    }
  }

  /** A weak identifier that heard another customer than its own: check it once settled. */
  private static boolean contested(IdentifierTypes types, Identifier self, IdentityNode node) {
    if (types.isStrong(self.type())) {
      return false;
    }
    for (Identifier label : node.heard.values()) {
      if (types.isStrong(label.type()) && !label.equals(node.label)
          && !node.reported.contains(label)) {
        return true;
      }
    }
    return false;
  }

  /** Sends labels to the loop, merges to the identity topic, counts conflicts. */
  private final class Effects implements IdentityProtocol.Effects {
    private final Context ctx;
    private final String eventId;
    private final long at;
    /** Tells each absorbed customer's journey who absorbed it, so it can hand over its state. */
    final List<CustomerEvent> journeyEvents = new ArrayList<>(0);

    Effects(Context ctx, String eventId, long at) {
      this.ctx = ctx;
      this.eventId = eventId;
      this.at = at;
    }

    @Override
    public void send(Identifier to, Identifier from, Identifier label,
        Map<Identifier, Long> aliases) {
      messageCount.inc();
      ctx.output(messages, new IdentityMessage(to.toString(), from.toString(), label.toString(),
          null, false, IdentityNode.aliasText(aliases), at));
    }

    @Override
    public void merged(Identifier absorbed, Identifier survivor, Identifier via) {
      mergeCount.inc();
      ctx.output(merges, IdentityMerged.newBuilder()
          .setMergeId(absorbed.key() + "->" + survivor.key())
          .setAbsorbedId(absorbed.key())
          .setSurvivingId(survivor.key())
          .setVia(via.toString())
          .setEventId(eventId)
          .setAt(java.time.Instant.ofEpochMilli(at))
          .build());
      journeyEvents.add(IdentityEvents.merged(absorbed.key(), survivor.toString(), at));
    }

    @Override
    public void conflict(Identifier node, Identifier keptWith, Identifier refused) {
      conflictCount.inc();
      ctx.output(conflicts, IdentityConflict.newBuilder()
          .setConflictId(node + "/" + refused.key())
          .setIdentifier(node.toString())
          .setKeptWith(keptWith.key())
          .setRefused(refused.key())
          .setAt(java.time.Instant.ofEpochMilli(at))
          .build());
      // Identifier values stay out of logs (README, "Logs"): the types only.
      LOG.info("identity conflict: a {} is linked to two customers; kept the better-ranked {}",
          node.type(), keptWith.type());
    }
  }
}
