package io.journeyflow.jobs.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyflow.jobs.JourneyflowJob;
import io.journeyflow.jobs.Uids;
import io.journeyflow.jobs.config.JobOptions;
import io.journeyflow.jobs.io.KafkaJobIO;
import io.journeyflow.patterns.RuleLoader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeSet;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/**
 * The savepoint contract of the fast path (journeyflow.rules.fast-path): its graph's uids and
 * its state names. Like {@link SavepointContractTest}, a failure here means savepoints of jobs
 * running the fast path would no longer restore.
 */
class FastPathContractTest {

  @Test
  void operatorUidsWithTheFastPathAreUnchanged() throws Exception {
    Configuration conf = new Configuration();
    conf.set(JobOptions.BOOTSTRAP_SERVERS, "127.0.0.1:1"); // building the graph connects nowhere
    conf.set(JobOptions.FAST_RULES, true);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    new JourneyflowJob(conf, RuleLoader.loadFromClasspath(), new KafkaJobIO(conf)).build(env);
    TreeSet<String> uids = new TreeSet<>();
    for (StreamNode node : env.getStreamGraph().getStreamNodes()) {
      assertThat(node.getTransformationUID()).as(node.getOperatorName()).isNotNull();
      uids.add(node.getTransformationUID());
    }
    assertThat(uids).as("operator uids (savepoint-contract/fast-path-uids.txt)")
        .containsExactlyElementsOf(lines("fast-path-uids.txt"));
  }

  @Test
  void stateNamesAreUnchanged() {
    assertThat(List.of(FastRuleFunction.BUFFER, FastRuleFunction.RULE_STATES,
        FastRuleFunction.INDEX, Uids.fastRuleState("repeat-contact", 1)))
        .containsExactly("fast-buffer", "fast-rules", "fast-index",
            "fast-rule-repeat-contact-v1");
  }

  private static List<String> lines(String file) throws IOException {
    try (InputStream in = FastPathContractTest.class.getResourceAsStream(
        "/savepoint-contract/" + file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
          .filter(l -> !l.isBlank() && !l.startsWith("#"))
          .toList();
    }
  }
}
