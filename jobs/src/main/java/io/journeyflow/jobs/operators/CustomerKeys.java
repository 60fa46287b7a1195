package io.journeyflow.jobs.operators;

import io.journeyflow.jobs.identity.IdentifierTypes;
import io.journeyflow.jobs.identity.IdentifierTypes.Identifier;
import io.journeyflow.schema.CustomerEvent;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.java.functions.KeySelector;

/**
 * The customer key of an event: the first identifier type of a priority list that the event
 * carries. A {@code customerId} is the key as it is; any other type is prefixed with its type
 * ({@code email:ann@example.com}) so that equal values of different types never collide. With
 * identity resolution on, the key of an event the identity graph has stamped is its customer.
 */
public final class CustomerKeys implements KeySelector<CustomerEvent, String> {

  public static final String CUSTOMER_ID = IdentifierTypes.CUSTOMER_ID;

  private final List<String> priority;
  /** Identity resolution on: the key is the customer the identity graph stamped. */
  private final boolean resolved;

  public CustomerKeys(List<String> priority) {
    this(priority, false);
  }

  public CustomerKeys(List<String> priority, boolean resolved) {
    this.resolved = resolved;
    if (priority.isEmpty()) {
      throw new IllegalArgumentException("identity priority list must not be empty");
    }
    this.priority = List.copyOf(priority);
  }

  /** The key, or null when the event carries none of the configured identifier types. */
  public String keyOrNull(CustomerEvent event) {
    if (resolved && event.getCustomerKey() != null) {
      return event.getCustomerKey();
    }
    Map<String, String> identities = event.getIdentities();
    for (String type : priority) {
      String value = identities.get(type);
      if (value != null && !value.isBlank()) {
        return new Identifier(type, value).key();
      }
    }
    return null;
  }

  @Override
  public String getKey(CustomerEvent event) {
    String key = keyOrNull(event);
    if (key == null) {
      // Events without a key are diverted before keyBy; reaching here is a wiring bug.
      throw new IllegalStateException("event " + event.getEventId() + " has no usable identity");
    }
    return key;
  }

  public List<String> priority() {
    return priority;
  }
}
