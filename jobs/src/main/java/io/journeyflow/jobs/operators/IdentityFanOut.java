package io.journeyflow.jobs.operators;

import io.journeyflow.jobs.identity.IdentifierTypes;
import io.journeyflow.jobs.identity.IdentifierTypes.Identifier;
import io.journeyflow.schema.CustomerEvent;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.util.Collector;

/**
 * Sends each event to the identity node of every identifier it carries (type:value), so that
 * each node learns its links; a customer key set by the producer is dropped, only the identity
 * graph sets it.
 */
public final class IdentityFanOut
    implements FlatMapFunction<CustomerEvent, Tuple2<String, CustomerEvent>> {

  private static final long serialVersionUID = 1L;

  private final IdentifierTypes types;

  public IdentityFanOut(IdentifierTypes types) {
    this.types = types;
  }

  @Override
  public void flatMap(CustomerEvent event, Collector<Tuple2<String, CustomerEvent>> out) {
    for (Identifier id : types.of(event.getIdentities())) {
      out.collect(Tuple2.of(id.toString(), event));
    }
  }
}
