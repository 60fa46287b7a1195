package io.journeyflow.bench.jmh;

import io.journeyflow.patterns.cel.CelCondition;
import io.journeyflow.schema.CustomerEvent;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One CEL step condition evaluated against a candidate event and an earlier step's event, as
 * the CEP operator does for every candidate: a field comparison (what correlateBy compiles to)
 * and one with attribute access and arithmetic.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CelConditionBenchmark {

  private CelCondition sameEntity;
  private CelCondition attributes;
  private Map<String, CustomerEvent> bindings;

  @Setup
  public void setup() throws Exception {
    List<String> variables = List.of("event", "failed");
    sameEntity = CelCondition.of("event.entityId == failed.entityId", variables);
    attributes = CelCondition.of(
        "event.entityId == failed.entityId && failed.attributes.amount > 10.0"
            + " && event.source == 'billing'", variables);
    bindings = Map.of(
        "failed", event("payment.failed", "inv-7", 42.5),
        "event", event("billing.adjustment.posted", "inv-7", 42.5));
    if (!sameEntity.test(bindings) || !attributes.test(bindings)) {
      throw new IllegalStateException("the conditions must hold for the benchmark's events");
    }
  }

  private static CustomerEvent event(String type, String entity, double amount) {
    Map<String, Object> attributes = new HashMap<>();
    attributes.put("amount", amount);
    return CustomerEvent.newBuilder()
        .setEventId(type + "-1")
        .setEventType(type)
        .setSource("billing")
        .setOccurredAt(Instant.parse("2026-11-01T10:00:00Z"))
        .setIdentities(new HashMap<>(Map.of("customerId", "c-1")))
        .setEntityId(entity)
        .setAttributes(attributes)
        .build();
  }

  @Benchmark
  public boolean entityComparison() {
    return sameEntity.test(bindings);
  }

  @Benchmark
  public boolean attributeArithmetic() {
    return attributes.test(bindings);
  }
}
