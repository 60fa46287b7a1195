package io.journeyflow.jobs.tools;

import io.journeyflow.jobs.config.ConfigFiles;
import io.journeyflow.jobs.config.JobOptions;
import io.journeyflow.jobs.decisions.Policies;
import io.journeyflow.jobs.decisions.PolicyLoader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The operator's command line for decision policies: check a policy file, and publish it to the
 * running job's control topic as one record (a console producer would send it line by line).
 */
@Command(
    name = "policies",
    mixinStandardHelpOptions = true,
    description = "Check decision policy files and publish them to a running job.",
    subcommands = {PoliciesCli.Check.class, PoliciesCli.Publish.class})
public final class PoliciesCli implements Runnable {

  public static void main(String[] args) {
    System.exit(new CommandLine(new PoliciesCli()).execute(args));
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** Reads and checks a file; prints every problem. Null when it is not valid. */
  static Policies check(Path file, PrintStream out, PrintStream err) {
    try {
      Policies p = PolicyLoader.load(file);
      out.println(file + ": valid, version " + p.version() + " (" + p.caps().size() + " caps, "
          + p.quietHours().size() + " quiet-hour windows, " + p.approvalRules().size()
          + " approval rules)");
      return p;
    } catch (Exception e) {
      err.println(e.getMessage()); // names the file
      return null;
    }
  }

  /** {@code policies check FILE...}. */
  @Command(name = "check", description = "Check policy files (exit 1 if any is invalid).")
  static final class Check implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE") Path[] files;

    @Override
    public Integer call() {
      int bad = 0;
      for (Path file : files) {
        bad += check(file, System.out, System.err) == null ? 1 : 0;
      }
      return bad == 0 ? 0 : 1;
    }
  }

  /** {@code policies publish FILE}: checked first, so a job never sees a file that fails here. */
  @Command(
      name = "publish",
      description = "Check a policy file and write it, whole, to the policy control topic. The"
          + " job applies it to every later decision; give each update a new version.")
  static final class Publish implements Callable<Integer> {
    @Parameters(paramLabel = "FILE") Path file;

    @Option(names = "--config", paramLabel = "FILE",
        description = "Job config: Kafka servers, policy topic and journeyflow.kafka.properties.*"
            + " (security settings) are taken from it.")
    Path config;

    @Option(names = "-D", paramLabel = "KEY=VALUE", description = "Overrides a config key.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--bootstrap-servers", description = "Kafka brokers (default: the config's).")
    String bootstrap;

    @Option(names = "--topic", description = "Control topic (default: the config's, else "
        + "policy-updates).")
    String topic;

    @Override
    public Integer call() throws Exception {
      if (check(file, System.out, System.err) == null) {
        return 1;
      }
      Configuration conf = ConfigFiles.load(config, overrides);
      RecordMetadata written = publish(
          bootstrap != null ? bootstrap : conf.get(JobOptions.BOOTSTRAP_SERVERS),
          topic != null ? topic : conf.get(JobOptions.POLICIES_TOPIC),
          Files.readString(file),
          JobOptions.kafkaProperties(conf));
      System.out.println("published to " + written.topic() + "/" + written.partition() + "@"
          + written.offset());
      return 0;
    }
  }

  /** Writes a document as one record, acknowledged by all in-sync replicas. */
  static RecordMetadata publish(String bootstrap, String topic, String document,
      Map<String, String> clientProperties) throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.putAll(clientProperties);
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
      return producer.send(new ProducerRecord<>(topic, "policies",
          document.getBytes(StandardCharsets.UTF_8))).get();
    }
  }
}
