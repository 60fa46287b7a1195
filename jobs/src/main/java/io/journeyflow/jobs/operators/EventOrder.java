package io.journeyflow.jobs.operators;

import io.journeyflow.schema.CustomerEvent;
import org.apache.flink.cep.EventComparator;

/**
 * Tie-break for events of one customer with equal event time: CEP would otherwise order them by
 * arrival, which differs between runs when they come from different source splits.
 */
public final class EventOrder implements EventComparator<CustomerEvent> {

  @Override
  public int compare(CustomerEvent a, CustomerEvent b) {
    return a.getEventId().compareTo(b.getEventId());
  }
}
