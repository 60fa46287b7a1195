package io.journeyflow.jobs.operators;

import io.journeyflow.jobs.identity.IdentifierTypes;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.internal.IdentityMessage;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * The job's own events that carry identity resolution to the journeys: "this customer was
 * absorbed by that one" (to the absorbed customer, which then hands over its state) and "here
 * is the state of a customer you absorbed" (to the survivor). They travel keyed by customer
 * like any event, so they are applied in event-time order with everything else; no rule looks
 * at their types, and they never reach an action's context.
 */
public final class IdentityEvents {

  /** Event types the job keeps for itself; input events with such a type are dead letters. */
  public static final String RESERVED_PREFIX = "journeyflow.";
  public static final String SOURCE = "journeyflow";
  public static final String MERGED = "journeyflow.identity.merged";
  public static final String TRANSFER = "journeyflow.identity.transfer";
  static final String SURVIVOR = "survivor";
  static final String STATE = "state";

  private IdentityEvents() {}

  /** Tells the absorbed customer which customer absorbed it. */
  public static CustomerEvent merged(String absorbed, String survivor, long at) {
    Map<String, Object> attributes = new HashMap<>();
    attributes.put(SURVIVOR, survivor);
    return event("merge:" + absorbed + "->" + survivor, MERGED, absorbed, at, attributes);
  }

  /** Hands the absorbed customer's journey state (a JourneyTransfer record) to the survivor. */
  public static CustomerEvent transfer(String absorbed, String survivor, ByteBuffer state,
      long at) {
    byte[] bytes = new byte[state.remaining()];
    state.duplicate().get(bytes);
    Map<String, Object> attributes = new HashMap<>();
    attributes.put(STATE, Base64.getEncoder().encodeToString(bytes));
    // Named by its content: a hand-over delivered twice by the loop is one event (ingest drops
    // the repeat), two hand-overs from one customer are two.
    return event("transfer:" + absorbed + "->" + survivor + ":"
        + java.util.UUID.nameUUIDFromBytes(bytes), TRANSFER, survivor, at, attributes);
  }

  /** The hand-over a journey sent through the loop, as an event of the survivor. */
  static CustomerEvent transfer(IdentityMessage handOver, long at) {
    return transfer(handOver.getFrom(),
        IdentifierTypes.Identifier.parse(handOver.getLabel()).key(), handOver.getTransfer(), at);
  }

  public static boolean isIdentityEvent(CustomerEvent event) {
    return SOURCE.equals(event.getSource())
        && (MERGED.equals(event.getEventType()) || TRANSFER.equals(event.getEventType()));
  }

  static String survivor(CustomerEvent merged) {
    return String.valueOf(merged.getAttributes().get(SURVIVOR));
  }

  static ByteBuffer state(CustomerEvent transfer) {
    return ByteBuffer.wrap(Base64.getDecoder().decode(
        String.valueOf(transfer.getAttributes().get(STATE))));
  }

  private static CustomerEvent event(String id, String type, String customer, long at,
      Map<String, Object> attributes) {
    return CustomerEvent.newBuilder()
        .setEventId("journeyflow-" + id)
        .setEventType(type)
        .setSource(SOURCE)
        .setChannel(null)
        .setOccurredAt(Instant.ofEpochMilli(at))
        .setIdentities(new HashMap<>())
        .setEntityId(null)
        .setAttributes(attributes)
        .setCustomerKey(customer)
        .build();
  }
}
