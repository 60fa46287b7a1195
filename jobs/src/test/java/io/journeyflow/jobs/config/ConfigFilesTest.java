package io.journeyflow.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped config files load into typed options; overrides win. */
class ConfigFilesTest {

  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

  @Test
  void productionConfigLoadsWithTypedValues() throws Exception {
    Configuration conf = ConfigFiles.load(REPO.resolve("config/journeyflow.yaml"), List.of());
    assertThat(conf.get(JobOptions.INPUT_TOPICS)).containsExactly("customer-events");
    assertThat(conf.get(JobOptions.IDENTITY_PRIORITY))
        .containsExactly("customerId", "accountId", "email", "phone", "deviceId");
    assertThat(conf.get(JobOptions.TRANSACTION_TIMEOUT)).isEqualTo(Duration.ofMinutes(15));
    assertThat(conf.get(JobOptions.CONTEXT_MAX_AGE)).isEqualTo(Duration.ofDays(30));
    assertThat(conf.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
    assertThat(conf.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
    assertThat(conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
        .isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void demoConfigLoads() throws Exception {
    Configuration conf = ConfigFiles.load(REPO.resolve("config/demo.yaml"), List.of());
    assertThat(conf.get(JobOptions.OUT_OF_ORDERNESS)).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void overridesWinOverTheFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("c.yaml");
    Files.writeString(file, "journeyflow.input.topics: [a, b]\njourneyflow.dedup.ttl: 1 h\n");
    Configuration conf =
        ConfigFiles.load(file, List.of("journeyflow.dedup.ttl=2 h", "parallelism.default=3"));
    assertThat(conf.get(JobOptions.INPUT_TOPICS)).containsExactly("a", "b");
    assertThat(conf.get(JobOptions.DEDUP_TTL)).isEqualTo(Duration.ofHours(2));
  }

  @Test
  void rejectsMalformedOverride() {
    assertThatThrownBy(() -> ConfigFiles.load(null, List.of("no-equals-sign")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key=value");
  }
}
