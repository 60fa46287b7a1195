package io.journeyflow.jobs.operators;

import io.journeyflow.connectors.DeadLetters;
import io.journeyflow.jobs.decisions.Policies;
import io.journeyflow.jobs.decisions.PolicyLoader;
import io.journeyflow.schema.DeadLetter;
import io.journeyflow.schema.DeadLetterOrigin;
import io.journeyflow.schema.internal.ControlRecord;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks policy updates from the control topic before they are broadcast: a document that does
 * not parse, breaks a rule of the policy file, or reuses the version in force with other values
 * goes to the dead letters and the policies in force stay; a valid one is passed on. One key
 * holds the document in force, so the check sees every update in order.
 */
public final class PolicyUpdateGate extends KeyedProcessFunction<String, ControlRecord, String> {

  /** Dead-letter stage of a rejected policy update. */
  public static final String STAGE = "policy";
  static final String IN_FORCE = "policy-in-force";

  private static final Logger LOG = LoggerFactory.getLogger(PolicyUpdateGate.class);

  private final Policies initial;
  private final OutputTag<DeadLetter> deadLetters;

  private transient ValueState<String> inForce;
  private transient Policies inForceParsed;
  private transient String inForceText;
  private transient Counter accepted;
  private transient Counter rejected;

  /** {@code initial}: the policies the job was started with, in force until an update. */
  public PolicyUpdateGate(Policies initial, OutputTag<DeadLetter> deadLetters) {
    this.initial = initial;
    this.deadLetters = deadLetters;
  }

  @Override
  public void open(OpenContext openContext) {
    inForce = getRuntimeContext().getState(new ValueStateDescriptor<>(IN_FORCE, Types.STRING));
    accepted = JobMetrics.group(getRuntimeContext()).counter("policyUpdatesAccepted");
    rejected = JobMetrics.group(getRuntimeContext()).counter(JobMetrics.DEAD_LETTERS);
  }

  @Override
  public void processElement(ControlRecord update, Context ctx, Collector<String> out)
      throws Exception {
    Policies current = current();
    Policies proposed;
    try {
      proposed = PolicyLoader.parse(where(update.getOrigin()), update.getText());
    } catch (Exception e) { // a bad document of any kind must not stop the job
      reject(update, e.getMessage(), current, ctx);
      return;
    }
    if (proposed.equals(current)) {
      return; // the same policies again (a re-sent or replayed update): nothing changes
    }
    if (proposed.version().equals(current.version())) {
      reject(update, "version '" + proposed.version() + "' is already in force with other"
          + " values: an update needs a new version, so decisions say which values decided"
          + " them", current, ctx);
      return;
    }
    inForce.update(update.getText());
    inForceParsed = proposed;
    inForceText = update.getText();
    accepted.inc();
    LOG.info("Policies {} in force (were {}), from {}", proposed.version(), current.version(),
        where(update.getOrigin()));
    out.collect(update.getText());
  }

  private Policies current() throws Exception {
    String text = inForce.value();
    if (text == null) {
      return initial;
    }
    if (!text.equals(inForceText)) { // after a restore
      inForceParsed = PolicyLoader.parse(IN_FORCE, text);
      inForceText = text;
    }
    return inForceParsed;
  }

  private void reject(ControlRecord update, String why, Policies current, Context ctx) {
    rejected.inc();
    LOG.warn("Policy update from {} rejected; policies {} stay in force",
        where(update.getOrigin()), current.version());
    ctx.output(deadLetters, DeadLetters.of(update.getOrigin(),
        update.getText().getBytes(StandardCharsets.UTF_8), STAGE,
        "policy update rejected, policies " + current.version() + " stay in force: " + why,
        null));
  }

  private static String where(DeadLetterOrigin o) {
    if (o.getTopic() != null) {
      return "policy update " + o.getTopic() + "/" + o.getPartition() + "@" + o.getOffset();
    }
    return o.getFile() != null ? "policy update " + o.getFile() + ":" + o.getLine()
        : "policy update";
  }

  /** All updates share one key: they are few, and must be checked in order. */
  public static final class OneKey implements KeySelector<ControlRecord, String> {
    @Override
    public String getKey(ControlRecord update) {
      return "policies";
    }
  }
}
