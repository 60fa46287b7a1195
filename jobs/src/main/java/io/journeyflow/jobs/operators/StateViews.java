package io.journeyflow.jobs.operators;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;

/**
 * Flink state interfaces over the fields of a record that one keyed value holds: code written
 * against a {@link MapState} keeps working when its map becomes one field of a per-customer
 * record, read once and written once per timer by {@link DecisionStore}. Iterations over a map
 * work on copies, and a list is replaced rather than changed in place, as a RocksDB iterator
 * does not see changes made while it runs.
 */
final class StateViews {

  private StateViews() {}

  /** A map field: {@code map} gives the current key's (mutable) map, {@code changed} marks it. */
  static <K, V> MapState<K, V> map(Supplier<Map<K, V>> map, Runnable changed) {
    return new MapView<>(map, changed);
  }

  /** A list field: {@code get} gives the current key's list, {@code set} replaces it. */
  static <T> ListState<T> list(Supplier<List<T>> get, Consumer<List<T>> set) {
    return new ListView<>(get, set);
  }

  /** A nullable field: {@code set} with null clears it. */
  static <T> ValueState<T> value(Supplier<T> get, Consumer<T> set) {
    return new ValueView<>(get, set);
  }

  private record MapView<K, V>(Supplier<Map<K, V>> map, Runnable changed)
      implements MapState<K, V> {

    @Override
    public V get(K key) {
      return map.get().get(key);
    }

    @Override
    public void put(K key, V value) {
      map.get().put(key, value);
      changed.run();
    }

    @Override
    public void putAll(Map<K, V> all) {
      map.get().putAll(all);
      changed.run();
    }

    @Override
    public void remove(K key) {
      if (map.get().remove(key) != null) {
        changed.run();
      }
    }

    @Override
    public boolean contains(K key) {
      return map.get().containsKey(key);
    }

    @Override
    public Iterable<Map.Entry<K, V>> entries() {
      List<Map.Entry<K, V>> copy = new ArrayList<>(map.get().size());
      map.get().forEach((k, v) -> copy.add(Map.entry(k, v)));
      return copy;
    }

    @Override
    public Iterable<K> keys() {
      return new ArrayList<>(map.get().keySet());
    }

    @Override
    public Iterable<V> values() {
      return new ArrayList<>(map.get().values());
    }

    @Override
    public Iterator<Map.Entry<K, V>> iterator() {
      return entries().iterator();
    }

    @Override
    public boolean isEmpty() {
      return map.get().isEmpty();
    }

    @Override
    public void clear() {
      if (!map.get().isEmpty()) {
        map.get().clear();
        changed.run();
      }
    }
  }

  private record ListView<T>(Supplier<List<T>> read, Consumer<List<T>> write)
      implements ListState<T> {

    /** The stored list itself, read-only: writes replace it, so an iteration stays valid. */
    @Override
    public Iterable<T> get() {
      return Collections.unmodifiableList(read.get());
    }

    @Override
    public void add(T value) {
      List<T> now = new ArrayList<>(read.get());
      now.add(value);
      write.accept(now);
    }

    @Override
    public void addAll(List<T> values) {
      List<T> now = new ArrayList<>(read.get());
      now.addAll(values);
      write.accept(now);
    }

    @Override
    public void update(List<T> values) {
      write.accept(new ArrayList<>(values));
    }

    @Override
    public void clear() {
      if (!read.get().isEmpty()) {
        write.accept(new ArrayList<>());
      }
    }
  }

  private record ValueView<T>(Supplier<T> read, Consumer<T> write) implements ValueState<T> {

    @Override
    public T value() {
      return read.get();
    }

    @Override
    public void update(T value) {
      write.accept(value);
    }

    @Override
    public void clear() {
      if (read.get() != null) {
        write.accept(null);
      }
    }
  }
}
