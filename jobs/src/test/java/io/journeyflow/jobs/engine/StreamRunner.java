package io.journeyflow.jobs.engine;

import io.journeyflow.schema.CustomerEvent;
import java.util.List;

/** One way of evaluating a rule over a keyed event stream, in event time. */
interface StreamRunner extends AutoCloseable {

  void event(CustomerEvent event) throws Exception;

  /** Advances event time; returns the matches it released, described as text. */
  List<String> watermark(long timestamp) throws Exception;
}
