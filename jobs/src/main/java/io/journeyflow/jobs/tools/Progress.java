package io.journeyflow.jobs.tools;

import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.DeadLetter;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.types.Either;

/** Counts records passing through a local job, so a tool can draw a progress bar. */
public final class Progress implements MapFunction<Either<DeadLetter, CustomerEvent>,
    Either<DeadLetter, CustomerEvent>> {

  private static final Map<String, AtomicLong> COUNTS = new ConcurrentHashMap<>();

  private final String name = UUID.randomUUID().toString();

  public Progress() {
    COUNTS.put(name, new AtomicLong());
  }

  public long count() {
    return COUNTS.get(name).get();
  }

  @Override
  public Either<DeadLetter, CustomerEvent> map(Either<DeadLetter, CustomerEvent> record) {
    COUNTS.get(name).incrementAndGet();
    return record;
  }

  /** A one-line bar: {@code [#####.....] 45% 450000/1000000 events, 12000/s}. */
  public static String bar(long done, long total, double perSecond) {
    if (total <= 0) {
      return String.format("%,d events, %,.0f/s", done, perSecond);
    }
    int width = 30;
    int filled = (int) Math.min(width, done * width / total);
    return String.format("[%s%s] %3d%% %,d/%,d events, %,.0f/s", "#".repeat(filled),
        ".".repeat(width - filled), Math.min(100, done * 100 / total), done, total, perSecond);
  }
}
