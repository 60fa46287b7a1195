package io.journeyflow.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyflow.jobs.config.JobOptions;
import io.journeyflow.jobs.testing.ProductionGraph;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.streaming.api.operators.SimpleOperatorFactory;
import org.apache.flink.streaming.api.operators.StreamFilter;
import org.apache.flink.streaming.api.operators.StreamMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The production graph's shape, where it matters beyond the uids of the savepoint contract. */
class JobGraphTest {

  /**
   * An operator on a keyed stream gets a keyed state backend even without state: with RocksDB an
   * empty instance that every checkpoint's synchronous part still snapshots (a native checkpoint
   * in the task thread). Only operators with keyed state may read a keyed stream.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void statelessMapsAndFiltersReadNoKeyedStream(boolean fastPath) throws Exception {
    Configuration conf = new Configuration();
    conf.set(JobOptions.FAST_RULES, fastPath);
    List<String> keyed = new ArrayList<>();
    List<String> statelessKeyed = new ArrayList<>();
    for (StreamNode node : ProductionGraph.nodes(conf)) {
      if (node.getStateKeySerializer() == null) {
        continue;
      }
      keyed.add(node.getOperatorName());
      if (node.getOperatorFactory() instanceof SimpleOperatorFactory<?> simple
          && (simple.getOperator() instanceof StreamMap<?, ?>
              || simple.getOperator() instanceof StreamFilter<?>)) {
        statelessKeyed.add(node.getOperatorName());
      }
    }
    assertThat(keyed).as("keyed operators").isNotEmpty();
    assertThat(statelessKeyed).as("maps and filters with a keyed state backend").isEmpty();
  }
}
