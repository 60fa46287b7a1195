package io.journeyflow.jobs.operators;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.junit.jupiter.api.Test;

/** State interfaces over record fields: what they change, and what marks the record changed. */
class StateViewsTest {

  @Test
  void aMapViewMarksOnlyRealChangesAndIteratesACopy() throws Exception {
    Map<String, Long> field = new HashMap<>(Map.of("a", 1L, "b", 2L));
    AtomicInteger changes = new AtomicInteger();
    MapState<String, Long> view = StateViews.map(() -> field, changes::incrementAndGet);

    assertThat(view.get("a")).isEqualTo(1L);
    assertThat(view.contains("c")).isFalse();
    view.remove("c"); // absent: nothing changed
    assertThat(changes).hasValue(0);

    for (Map.Entry<String, Long> e : view.entries()) {
      view.remove(e.getKey()); // as with a RocksDB iterator, removing while iterating is fine
    }
    assertThat(view.isEmpty()).isTrue();
    assertThat(changes).hasValue(2);
    view.clear(); // already empty: nothing changed
    assertThat(changes).hasValue(2);

    view.put("c", 3L);
    assertThat(field).containsExactly(Map.entry("c", 3L));
    assertThat(changes).hasValue(3);
  }

  @Test
  void aListViewReplacesTheFieldWithACopyOnEveryWrite() throws Exception {
    AtomicReference<List<Long>> field = new AtomicReference<>(new ArrayList<>(List.of(1L)));
    AtomicInteger writes = new AtomicInteger();
    ListState<Long> view = StateViews.list(field::get, v -> {
      writes.incrementAndGet();
      field.set(v);
    });

    List<Long> mine = new ArrayList<>(List.of(5L, 6L));
    view.update(mine);
    mine.add(7L); // the caller's list is not the stored one
    assertThat(field.get()).containsExactly(5L, 6L);
    view.add(8L);
    view.addAll(List.of(9L));
    assertThat(view.get()).containsExactly(5L, 6L, 8L, 9L);
    view.clear();
    view.clear(); // already empty: no write
    assertThat(field.get()).isEmpty();
    assertThat(writes).hasValue(4);
  }

  @Test
  void aValueViewClearsToNullAndWritesOnlyWhenSomethingIsThere() throws Exception {
    AtomicReference<String> field = new AtomicReference<>();
    AtomicInteger writes = new AtomicInteger();
    ValueState<String> view = StateViews.value(field::get, v -> {
      writes.incrementAndGet();
      field.set(v);
    });

    view.clear();
    assertThat(writes).hasValue(0);
    view.update("survivor");
    assertThat(view.value()).isEqualTo("survivor");
    view.clear();
    assertThat(view.value()).isNull();
    assertThat(writes).hasValue(2);
  }
}
