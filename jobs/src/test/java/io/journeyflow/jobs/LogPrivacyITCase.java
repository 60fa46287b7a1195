package io.journeyflow.jobs;

import static io.journeyflow.jobs.testing.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.journeyflow.connectors.testing.EmbeddedKafka;
import io.journeyflow.jobs.operators.LogSafe;
import io.journeyflow.jobs.testing.KafkaJobs;
import io.journeyflow.jobs.testing.KafkaJobs.Topics;
import io.journeyflow.jobs.testing.MiniClusters;
import io.journeyflow.patterns.RuleLoader;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.DeadLetter;
import io.journeyflow.schema.ErasureConfirmation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logs never contain identity values or event attributes: the job runs stories that touch
 * every logging path we have (actions, suppressions, dead letters of every stage, a rejected
 * policy update, an erasure) with Flink and Journeyflow logging at INFO and DEBUG, and the
 * captured log text is searched for each identity and attribute value used.
 */
class LogPrivacyITCase {

  private static final Duration DEADLINE = Duration.ofSeconds(90);

  @RegisterExtension static final EmbeddedKafka KAFKA = new EmbeddedKafka();

  @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

  @TempDir Path checkpoints;

  private static final List<String> SECRETS = List.of(
      "cust-PRIVATE-41", "acct-PRIVATE-77", "private.person@example.org", "+4915550001234",
      "LOYAL-PRIVATE-9", "INVOICE-PRIVATE-3", "INTENT-PRIVATE-5");

  @Test
  void logsHoldNoIdentityOrAttributeValue() throws Exception {
    Capture capture = Capture.install();
    try {
      runStories();
    } finally {
      capture.uninstall();
    }
    String logs = capture.text();
    assertThat(logs).as("the capture works").contains("Policy update from")
        .contains("Erased the state of customer " + LogSafe.customer("cust-PRIVATE-41"));
    for (String secret : SECRETS) {
      assertThat(logs).as("logs mention %s", secret).doesNotContain(secret);
    }
  }

  private void runStories() throws Exception {
    Topics t = new Topics(KAFKA);
    JobClient job = KafkaJobs.start(t.config("avro"), RuleLoader.loadFromClasspath(),
        checkpoints, null);
    try {
      CustomerEvent failed = event("p1", "payment.failed", "cust-PRIVATE-41", 0,
          "INVOICE-PRIVATE-3");
      failed.getIdentities().put("accountId", "acct-PRIVATE-77");
      failed.getIdentities().put("email", "private.person@example.org");
      failed.getIdentities().put("phone", "+4915550001234");
      failed.getAttributes().put("intent", "INTENT-PRIVATE-5");
      t.produce(failed);
      t.produce(event("p2", "billing.adjustment.posted", "cust-PRIVATE-41", 60,
          "INVOICE-PRIVATE-3"));
      CustomerEvent noKey = event("k1", "page.viewed", "x", 61);
      noKey.setIdentities(Map.of("loyaltyCard", "LOYAL-PRIVATE-9"));
      KAFKA.produce(t.input, "k", KafkaJobs.bytes(noKey));
      KAFKA.produce(t.input, "k", "{\"identities\":{\"email\":\"private.person@example.org\"}"
          .getBytes(StandardCharsets.UTF_8));
      KAFKA.produce(t.policies, "p", "version: x\nnote: acct-PRIVATE-77\nfrequencyCaps: 7"
          .getBytes(StandardCharsets.UTF_8));
      t.produce(event("e1", "customer.erase", "cust-PRIVATE-41", 120));
      t.tick("t", 600);
      KAFKA.consumeReadCommitted(t.erasures, LogPrivacyITCase::erasure, 1, DEADLINE);
      assertThat(KAFKA.consumeReadCommitted(t.dead, KafkaJobs::deadLetter, 3, DEADLINE))
          .extracting(DeadLetter::getStage)
          .containsExactlyInAnyOrder("identity", "decode", "policy");
    } finally {
      KafkaJobs.stop(job);
    }
  }

  private static ErasureConfirmation erasure(byte[] bytes) {
    try {
      return ErasureConfirmation.fromByteBuffer(java.nio.ByteBuffer.wrap(bytes));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Everything logged at INFO and above (DEBUG for Journeyflow), with stack traces. */
  private static final class Capture extends AbstractAppender {
    private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
    private final LoggerContext context;
    private final Level rootLevel;

    private Capture(LoggerContext context) {
      super("privacy-capture", null,
          PatternLayout.newBuilder().withPattern("%p %c - %m%n%throwable").build(), true,
          Property.EMPTY_ARRAY);
      this.context = context;
      this.rootLevel = context.getConfiguration().getRootLogger().getLevel();
    }

    static Capture install() {
      LoggerContext context = (LoggerContext) LogManager.getContext(false);
      Capture capture = new Capture(context);
      capture.start();
      Configuration config = context.getConfiguration();
      config.addAppender(capture);
      config.getRootLogger().addAppender(capture, Level.ALL, null);
      config.getRootLogger().setLevel(Level.INFO);
      LoggerConfig ours = new LoggerConfig("io.journeyflow", Level.DEBUG, true);
      config.addLogger("io.journeyflow", ours);
      context.updateLoggers();
      return capture;
    }

    void uninstall() {
      Configuration config = context.getConfiguration();
      config.getRootLogger().removeAppender(getName());
      config.getRootLogger().setLevel(rootLevel);
      config.removeLogger("io.journeyflow");
      context.updateLoggers();
      stop();
    }

    @Override
    public void append(LogEvent event) {
      lines.add(new String(getLayout().toByteArray(event), StandardCharsets.UTF_8));
    }

    String text() {
      return String.join("", lines);
    }
  }
}
