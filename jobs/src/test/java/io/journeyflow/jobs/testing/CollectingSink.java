package io.journeyflow.jobs.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A sink for MiniCluster tests: records land in a JVM-wide queue named by the sink, which the
 * test reads after the job finished.
 */
public final class CollectingSink<T> implements Sink<T> {

  private static final Map<String, ConcurrentLinkedQueue<Object>> RESULTS =
      new ConcurrentHashMap<>();

  private final String name;

  public CollectingSink() {
    this.name = UUID.randomUUID().toString();
    RESULTS.put(name, new ConcurrentLinkedQueue<>());
  }

  @SuppressWarnings("unchecked")
  public List<T> results() {
    List<T> out = new ArrayList<>();
    for (Object o : RESULTS.get(name)) {
      out.add((T) o);
    }
    return out;
  }

  @Override
  public SinkWriter<T> createWriter(WriterInitContext context) {
    ConcurrentLinkedQueue<Object> queue = RESULTS.get(name);
    return new SinkWriter<>() {
      @Override
      public void write(T element, Context ctx) {
        queue.add(element);
      }

      @Override
      public void flush(boolean endOfInput) {}

      @Override
      public void close() {}
    };
  }
}
