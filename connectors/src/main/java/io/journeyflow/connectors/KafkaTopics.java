package io.journeyflow.connectors;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;

/**
 * A check before the job starts: a Kafka sink whose topic does not exist blocks on metadata
 * and then fails over and over, which reads as a hung job rather than a missing topic.
 */
public final class KafkaTopics {

  private KafkaTopics() {}

  /**
   * The topics of {@code wanted} that do not exist, sorted.
   *
   * @param properties extra admin client properties (security, config providers); they win
   *     over the bootstrap servers given here, as in every other client of the job
   * @throws IllegalStateException when the brokers cannot be asked within {@code timeout}
   */
  public static List<String> missing(String bootstrapServers, Map<String, String> properties,
      Collection<String> wanted, Duration timeout) {
    Map<String, Object> config = new HashMap<>();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    // The job has one set of Kafka client properties for all its clients; keys an admin client
    // does not know are logged as unknown and ignored.
    config.putAll(properties);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    try (Admin admin = Admin.create(config)) {
      Set<String> existing = admin.listTopics(new ListTopicsOptions()
              .timeoutMs((int) timeout.toMillis()))
          .names()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      List<String> missing = new ArrayList<>();
      for (String topic : new TreeSet<>(wanted)) {
        if (!existing.contains(topic)) {
          missing.add(topic);
        }
      }
      return missing;
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not list the topics of Kafka at " + bootstrapServers
          + " within " + timeout + ": " + rootMessage(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while listing Kafka topics", e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }
}
