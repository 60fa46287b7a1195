package io.journeyflow.jobs.tools.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.journeyflow.schema.json.ContractJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads report input as JSON rows: JSON-lines files (the replay output), or a whole Kafka topic
 * of Avro single-object records, turned into the same JSON form with {@link ContractJson}.
 * Unreadable lines and records are skipped and named in the warnings.
 */
public final class ReportInput {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** How many unreadable lines or records are named one by one; the rest are counted. */
  static final int NAMED_PROBLEMS = 5;

  private ReportInput() {}

  /** Decodes one Avro single-object record, e.g. {@code JourneyMetrics::fromByteBuffer}. */
  @FunctionalInterface
  public interface Decoder {
    IndexedRecord decode(ByteBuffer bytes) throws IOException;
  }

  /** Rows read, and what could not be read. */
  public record Rows(List<JsonNode> rows, List<String> warnings) {}

  /** Input that cannot be read at all (missing file, unknown topic, Kafka out of reach). */
  public static final class InputException extends Exception {
    public InputException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Every line of a JSON-lines file that holds a JSON object; blank lines are ignored. */
  public static Rows readJsonLines(Path file) throws InputException {
    List<JsonNode> rows = new ArrayList<>();
    Problems problems = new Problems(file.toString(), "line(s)");
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      long number = 0;
      while ((line = in.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        try {
          JsonNode node = JSON.readTree(line);
          if (node != null && node.isObject()) {
            rows.add(slim(node));
          } else {
            problems.add(file + ":" + number + ": not a JSON object");
          }
        } catch (IOException e) {
          problems.add(file + ":" + number + ": not JSON (" + firstLine(e.getMessage()) + ")");
        }
      }
    } catch (IOException e) {
      throw new InputException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return new Rows(rows, problems.warnings());
  }

  /**
   * Every committed record of a topic, from the earliest offset of each partition to the end
   * offsets taken when reading starts (read_committed: the last stable offsets), decoded and
   * written as JSON rows. Partitions are read in order; records of different partitions
   * interleave.
   *
   * @param clientProperties extra Kafka client properties (security), applied last
   * @param timeout how long to wait for Kafka without progress before giving up
   */
  public static Rows readTopic(String bootstrap, String topic,
      Map<String, String> clientProperties, Decoder decoder, Duration timeout)
      throws InputException {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "journeyflow-report");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
        ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    props.putAll(clientProperties);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG); // assigned partitions, nothing committed
    List<JsonNode> rows = new ArrayList<>();
    Problems problems = new Problems(topic, "record(s)");
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
      if (infos == null || infos.isEmpty()) {
        throw new InputException("no topic '" + topic + "' at " + bootstrap, null);
      }
      List<TopicPartition> partitions = new ArrayList<>();
      infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, timeout));
      List<TopicPartition> open = new ArrayList<>(partitions);
      open.removeIf(tp -> consumer.position(tp, timeout) >= end.get(tp));
      long lastProgress = System.nanoTime();
      while (!open.isEmpty()) {
        var records = consumer.poll(Duration.ofMillis(200));
        for (ConsumerRecord<byte[], byte[]> r : records) {
          TopicPartition tp = new TopicPartition(r.topic(), r.partition());
          if (r.offset() >= end.get(tp)) {
            continue;
          }
          lastProgress = System.nanoTime();
          String where = r.topic() + "/" + r.partition() + "@" + r.offset();
          if (r.value() == null) {
            continue; // a tombstone carries no record
          }
          try {
            rows.add(slim(JSON.readTree(ContractJson.toJson(decoder.decode(ByteBuffer.wrap(
                r.value()))))));
          } catch (Exception e) {
            problems.add(where + ": cannot decode (" + firstLine(e.getMessage()) + ")");
          }
        }
        int before = open.size();
        open.removeIf(tp -> consumer.position(tp, timeout) >= end.get(tp));
        if (open.size() < before) {
          lastProgress = System.nanoTime();
        }
        if (!open.isEmpty() && System.nanoTime() - lastProgress > timeout.toNanos()) {
          throw new InputException("reading " + topic + " at " + bootstrap + " made no progress"
              + " for " + timeout.toSeconds() + " s; still open: " + open, null);
        }
      }
    } catch (InputException e) {
      throw e;
    } catch (org.apache.kafka.common.KafkaException e) {
      throw new InputException("cannot read topic '" + topic + "' at " + bootstrap + ": "
          + e.getMessage(), e);
    }
    return new Rows(rows, problems.warnings());
  }

  /**
   * Drops a dead letter's payload (the report needs its stage and error only), so that a big
   * dead-letter topic does not have to fit in memory with every original record.
   */
  static JsonNode slim(JsonNode row) {
    if (row instanceof ObjectNode o && o.has("stage")) {
      o.remove(PAYLOAD_FIELDS);
    }
    return row;
  }

  private static final List<String> PAYLOAD_FIELDS = List.of("payload", "payloadText");

  private static String firstLine(String message) {
    if (message == null) {
      return "no detail";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  /** The first few problems by name, then a count. */
  private static final class Problems {
    private final String source;
    private final String unit;
    private final List<String> named = new ArrayList<>();
    private int count;

    Problems(String source, String unit) {
      this.source = source;
      this.unit = unit;
    }

    void add(String problem) {
      if (count++ < NAMED_PROBLEMS) {
        named.add(problem);
      }
    }

    List<String> warnings() {
      List<String> out = new ArrayList<>(named);
      if (count > named.size()) {
        out.add(source + ": " + (count - named.size()) + " more unreadable " + unit
            + " skipped");
      }
      return out;
    }
  }
}
