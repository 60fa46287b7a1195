package io.journeyflow.connectors;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** The in-JVM Flink cluster of the connector tests: enough slots for parallelism 2. */
final class FlinkTestCluster {

  private FlinkTestCluster() {}

  static MiniClusterExtension create() {
    return new MiniClusterExtension(
        new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(4)
            .build());
  }
}
