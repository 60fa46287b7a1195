package io.journeyflow.bench.jmh;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.state.rocksdb.RocksDBOptions;

/** State backends for operator harnesses in benchmarks, sized like a task manager's. */
final class Backends {

  private Backends() {}

  /**
   * {@code rocksdb} or {@code heap}. RocksDB gets its own memory (64 MB write buffers) instead of
   * the harness's tiny managed memory, which makes it flush its memtable on nearly every write
   * and would measure that instead of the operator.
   */
  static StateBackend of(String name) {
    if (!"rocksdb".equals(name)) {
      return new HashMapStateBackend();
    }
    Configuration config = new Configuration();
    config.set(RocksDBOptions.USE_MANAGED_MEMORY, false);
    return new EmbeddedRocksDBStateBackend().configure(config, Backends.class.getClassLoader());
  }
}
