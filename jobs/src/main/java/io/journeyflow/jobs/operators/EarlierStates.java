package io.journeyflow.jobs.operators;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;

/**
 * Which keyed states of an earlier version a restored backend still holds data in. A job reads
 * (and moves) an earlier state per customer only while the state holds data: restored from a
 * checkpoint of the same version, as after every failover, it reads none.
 */
final class EarlierStates {

  private EarlierStates() {}

  /** The names among {@code names} with at least one key (one iterator seek each). */
  static Set<String> held(KeyedStateBackend<?> backend, List<String> names) {
    Set<String> held = new LinkedHashSet<>();
    for (String name : names) {
      try (Stream<?> keys = backend.getKeys(name, VoidNamespace.INSTANCE)) {
        if (keys.findAny().isPresent()) {
          held.add(name);
        }
      }
    }
    return held;
  }
}
