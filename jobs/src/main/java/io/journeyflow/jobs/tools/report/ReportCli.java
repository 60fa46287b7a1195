package io.journeyflow.jobs.tools.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.journeyflow.jobs.config.ConfigFiles;
import io.journeyflow.jobs.config.JobOptions;
import io.journeyflow.schema.DeadLetter;
import io.journeyflow.schema.JourneyMetrics;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Writes the journey report: one self-contained HTML page with the journey analytics of every
 * rule (JourneyMetrics) and the top dead-letter reasons, read from Kafka topics, JSON-lines
 * files or a replay output directory.
 */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = "Write the journey report (funnels, time to resolution, repeat contacts,"
        + " lift with its interval, decisions by outcome, dead-letter reasons) as one HTML file"
        + " that needs nothing else to open. Prints the path of the written file.")
public final class ReportCli implements Callable<Integer> {

  /** The files of a replay output directory. */
  static final String METRICS_FILE = "journey-metrics.jsonl";
  static final String DEAD_LETTERS_FILE = "dead-letters.jsonl";

  /** A Kafka topic name; anything else must be an existing file or directory. */
  private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");

  @Option(names = "--from", required = true, paramLabel = "TOPIC|FILE|DIR",
      description = "JourneyMetrics: a Kafka topic (Avro single-object records, read whole),"
          + " a JSON-lines file, or a replay output directory (its " + METRICS_FILE + " and "
          + DEAD_LETTERS_FILE + ").")
  String from;

  @Option(names = "--dead-letters", paramLabel = "TOPIC|FILE",
      description = "Dead letters: a Kafka topic or a JSON-lines file (default: the replay"
          + " directory's " + DEAD_LETTERS_FILE + "; none for a topic or file --from).")
  String deadLetters;

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
      description = "Kafka brokers for topics (default: the config's, else 127.0.0.1:9092).")
  String bootstrap;

  @Option(names = "--config", paramLabel = "FILE",
      description = "Job config: Kafka servers and journeyflow.kafka.properties.* (security)"
          + " are taken from it.")
  Path config;

  @Option(names = "-D", paramLabel = "KEY=VALUE", description = "Overrides a config key.")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--out", required = true, paramLabel = "FILE",
      description = "The HTML file to write (its directory is created).")
  Path out;

  @Option(names = "--title", description = "Page title (default: ${DEFAULT-VALUE}).",
      defaultValue = "Journeyflow journey report")
  String title;

  @Option(names = "--top-reasons", paramLabel = "N",
      description = "Dead-letter reasons to show (default: ${DEFAULT-VALUE}).",
      defaultValue = "10")
  int topReasons;

  @Option(names = "--timeout", paramLabel = "DURATION",
      description = "Give up on Kafka after this long without progress (ISO-8601, default:"
          + " ${DEFAULT-VALUE}).", defaultValue = "PT60S")
  Duration timeout;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ReportCli()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    return run(System.out, System.err);
  }

  int run(PrintStream stdout, PrintStream stderr) throws Exception {
    Configuration conf = ConfigFiles.load(config, overrides);
    Kafka kafka = new Kafka(bootstrap != null ? bootstrap : conf.get(JobOptions.BOOTSTRAP_SERVERS),
        JobOptions.kafkaProperties(conf), timeout);
    List<String> warnings = new ArrayList<>();
    ReportInput.Rows metrics;
    List<JsonNode> dead = null;
    String deadSource = null;
    String metricsSource;
    try {
      Path fromPath = Path.of(from);
      String deadSpec = deadLetters;
      if (Files.isDirectory(fromPath)) {
        Path file = fromPath.resolve(METRICS_FILE);
        metricsSource = file.toString();
        if (Files.exists(file)) {
          metrics = ReportInput.readJsonLines(file);
        } else {
          warnings.add("no " + METRICS_FILE + " in " + fromPath + ": no JourneyMetrics to show");
          metrics = new ReportInput.Rows(List.of(), List.of());
        }
        if (deadSpec == null) {
          Path dl = fromPath.resolve(DEAD_LETTERS_FILE);
          if (Files.exists(dl)) {
            deadSpec = dl.toString();
          } else {
            warnings.add("no " + DEAD_LETTERS_FILE + " in " + fromPath);
          }
        }
      } else {
        metricsSource = describe(from, kafka);
        metrics = read(from, kafka, JourneyMetrics::fromByteBuffer);
      }
      warnings.addAll(metrics.warnings());
      if (deadSpec != null) {
        ReportInput.Rows rows = read(deadSpec, kafka, DeadLetter::fromByteBuffer);
        warnings.addAll(rows.warnings());
        dead = rows.rows();
        deadSource = describe(deadSpec, kafka);
      }
    } catch (ReportInput.InputException e) {
      stderr.println("report: " + e.getMessage());
      return 2;
    }
    ReportModel model = ReportAggregator.aggregate(metrics.rows(), dead, deadSource, warnings,
        topReasons);
    String page = ReportHtml.render(model,
        new ReportHtml.Meta(title, metricsSource, Instant.now()));
    Path target = out.toAbsolutePath().normalize();
    if (target.getParent() != null) {
      Files.createDirectories(target.getParent());
    }
    Files.writeString(target, page, StandardCharsets.UTF_8);
    warnings.forEach(w -> stderr.println("report: warning: " + w));
    stderr.printf("report: %d JourneyMetrics row(s), %d rule(s), %d window(s), %s%n",
        model.summary().metricsRows(), model.summary().rules(), model.summary().windows(),
        dead == null ? "no dead-letter input" : dead.size() + " dead letter(s)");
    stdout.println(target);
    return 0;
  }

  /** Kafka settings for topic inputs. */
  record Kafka(String bootstrap, Map<String, String> properties, Duration timeout) {}

  private static ReportInput.Rows read(String spec, Kafka kafka, ReportInput.Decoder decoder)
      throws ReportInput.InputException {
    Path path = Path.of(spec);
    if (Files.isRegularFile(path)) {
      return ReportInput.readJsonLines(path);
    }
    if (Files.isDirectory(path)) {
      throw new ReportInput.InputException(spec + " is a directory: give a file or a topic",
          null);
    }
    if (!isTopic(spec)) {
      throw new ReportInput.InputException("no such file: " + spec, null);
    }
    return ReportInput.readTopic(kafka.bootstrap(), spec, kafka.properties(), decoder,
        kafka.timeout());
  }

  private static String describe(String spec, Kafka kafka) {
    return Files.exists(Path.of(spec)) ? spec : "topic " + spec + " at " + kafka.bootstrap();
  }

  /** A name that can only be a topic: Kafka's characters, not a file name with an extension. */
  static boolean isTopic(String spec) {
    return TOPIC.matcher(spec).matches() && !spec.endsWith(".jsonl") && !spec.endsWith(".json")
        && !spec.equals(".") && !spec.equals("..");
  }
}
