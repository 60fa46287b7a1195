package io.journeyflow.bench.jmh;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.flink.util.FileUtils;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.rocksdb.Checkpoint;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteOptions;

/**
 * What the synchronous part of a RocksDB checkpoint costs as a function of the column families
 * written since the last one: the same {@code writes} (100-byte values, the WAL off, as Flink
 * writes) spread over {@code families} column families, then a native checkpoint (Flink's
 * incremental snapshot takes one in the task thread; it flushes every memtable that holds
 * data). Each keyed state is one column family, so this is the cost of an operator's states
 * being many small ones instead of a few values.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(1)
public class ColumnFamilyFlushBenchmark {

  @Param({"1", "5", "15"})
  public int families;

  @Param({"5000", "25000"})
  public int writes;

  private Path dir;
  private RocksDB db;
  private DBOptions options;
  private WriteOptions writeOptions;
  private final List<ColumnFamilyHandle> handles = new ArrayList<>();
  private final Random random = new Random(1);
  private final byte[] value = new byte[100];
  private int checkpoints;

  @Setup(Level.Trial)
  public void open() throws Exception {
    RocksDB.loadLibrary();
    dir = Files.createTempDirectory("jmh-cf-flush");
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY));
    for (int i = 0; i < families; i++) {
      descriptors.add(new ColumnFamilyDescriptor(("state-" + i).getBytes()));
    }
    options = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
    db = RocksDB.open(options, dir.resolve("db").toString(), descriptors, handles);
    writeOptions = new WriteOptions().setDisableWAL(true);
  }

  /** The writes of one checkpoint interval, not measured. */
  @Setup(Level.Invocation)
  public void write() throws Exception {
    for (int i = 0; i < writes; i++) {
      random.nextBytes(value);
      byte[] key = ("customer-" + random.nextInt(100_000)).getBytes();
      db.put(handles.get(1 + i % families), writeOptions, key, value);
    }
  }

  @Benchmark
  public void checkpoint() throws Exception {
    try (Checkpoint checkpoint = Checkpoint.create(db)) {
      checkpoint.createCheckpoint(dir.resolve("chk-" + checkpoints++).toString());
    }
  }

  @TearDown(Level.Trial)
  public void close() throws Exception {
    handles.forEach(ColumnFamilyHandle::close);
    db.close();
    options.close();
    writeOptions.close();
    FileUtils.deleteDirectory(dir.toFile());
  }
}
