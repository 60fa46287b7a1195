package io.journeyflow.jobs.testing;

import io.journeyflow.jobs.JourneyflowJob;
import io.journeyflow.jobs.config.JobOptions;
import io.journeyflow.jobs.io.KafkaJobIO;
import io.journeyflow.patterns.RuleLoader;
import java.util.Collection;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamNode;

/** The production job's stream graph (Kafka I/O, starter rules), built without connecting. */
public final class ProductionGraph {

  private ProductionGraph() {}

  /** The graph's nodes under {@code conf} (its bootstrap servers are set to a dead address). */
  public static Collection<StreamNode> nodes(Configuration conf) throws Exception {
    conf.set(JobOptions.BOOTSTRAP_SERVERS, "127.0.0.1:1"); // building the graph connects nowhere
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    new JourneyflowJob(conf, RuleLoader.loadFromClasspath(), new KafkaJobIO(conf)).build(env);
    return env.getStreamGraph().getStreamNodes();
  }
}
