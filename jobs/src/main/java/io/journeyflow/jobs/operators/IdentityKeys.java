package io.journeyflow.jobs.operators;

import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.internal.IdentityMessage;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.api.java.tuple.Tuple2;

/** Keys of the identity graph's two inputs: the identifier (type:value) a record is for. */
public final class IdentityKeys {

  private IdentityKeys() {}

  /** An event observed at one of its identifiers. */
  public static final class Observed implements KeySelector<Tuple2<String, CustomerEvent>, String> {
    @Override
    public String getKey(Tuple2<String, CustomerEvent> observed) {
      return observed.f0;
    }
  }

  /** A label sent to an identifier. */
  public static final class Message implements KeySelector<IdentityMessage, String> {
    @Override
    public String getKey(IdentityMessage message) {
      return message.getTarget();
    }
  }
}
