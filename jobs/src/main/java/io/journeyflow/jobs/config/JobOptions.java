package io.journeyflow.jobs.config;

import io.journeyflow.connectors.RecordTimestamp;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;

/** Journeyflow's typed configuration options, with defaults and descriptions. */
public final class JobOptions {

  public static final ConfigOption<String> BOOTSTRAP_SERVERS =
      ConfigOptions.key("journeyflow.kafka.bootstrap-servers")
          .stringType()
          .defaultValue("127.0.0.1:9092")
          .withDescription("Kafka bootstrap servers for all input and output topics.");

  /**
   * Prefix of Kafka client properties passed to every Kafka client of the job (sources, sinks),
   * e.g. {@code journeyflow.kafka.properties.security.protocol: SASL_SSL}. They win over the
   * job's own settings. Keep secrets out of config files with Kafka's config providers:
   * {@code config.providers: env,file} and values such as {@code ${env:KAFKA_PASSWORD}} or
   * {@code ${file:/etc/journeyflow/kafka.properties:password}}, resolved by each client when it
   * starts, so they never enter the Flink configuration or the job graph.
   */
  public static final String KAFKA_PROPERTIES_PREFIX = "journeyflow.kafka.properties.";

  /** The Kafka client properties of a job config (without the prefix). */
  public static Map<String, String> kafkaProperties(ReadableConfig config) {
    Map<String, String> properties = new TreeMap<>();
    for (Map.Entry<String, String> e : config.toMap().entrySet()) {
      if (e.getKey().startsWith(KAFKA_PROPERTIES_PREFIX)) {
        properties.put(e.getKey().substring(KAFKA_PROPERTIES_PREFIX.length()), e.getValue());
      }
    }
    return properties;
  }

  public static final ConfigOption<Boolean> CHECK_TOPICS =
      ConfigOptions.key("journeyflow.kafka.check-topics")
          .booleanType()
          .defaultValue(true)
          .withDescription(
              "Before the job starts, ask the brokers whether every input, output and control"
                  + " topic exists, and refuse to start (listing the missing ones) if not. A sink"
                  + " without its topic otherwise blocks and fails over and over. Switch off where"
                  + " the process that submits the job cannot reach the brokers.");

  public static final ConfigOption<List<String>> INPUT_TOPICS =
      ConfigOptions.key("journeyflow.input.topics")
          .stringType()
          .asList()
          .defaultValues("customer-events")
          .withDescription("Topics the customer events are read from.");

  public static final ConfigOption<String> INPUT_FORMAT =
      ConfigOptions.key("journeyflow.input.format")
          .stringType()
          .defaultValue("avro")
          .withDescription(
              "Encoding of input records: 'avro' (single-object encoding) or 'json' (one JSON"
                  + " object per record, the JSON-lines form of CustomerEvent).");

  public static final ConfigOption<String> GROUP_ID =
      ConfigOptions.key("journeyflow.kafka.group-id")
          .stringType()
          .defaultValue("journeyflow")
          .withDescription("Kafka consumer group of the source (offsets live in checkpoints).");

  public static final ConfigOption<String> STARTING_OFFSETS =
      ConfigOptions.key("journeyflow.kafka.starting-offsets")
          .stringType()
          .defaultValue("committed-or-earliest")
          .withDescription(
              "Where a fresh job starts reading: earliest, latest or committed-or-earliest.");

  public static final ConfigOption<String> ACTIONS_TOPIC =
      ConfigOptions.key("journeyflow.output.actions-topic")
          .stringType()
          .defaultValue("actions")
          .withDescription("Topic of next-best actions (Avro Action).");

  public static final ConfigOption<String> SUPPRESSIONS_TOPIC =
      ConfigOptions.key("journeyflow.output.suppressions-topic")
          .stringType()
          .defaultValue("suppressions")
          .withDescription("Topic of suppression signals (Avro SuppressionSignal).");

  public static final ConfigOption<String> DEAD_LETTER_TOPIC =
      ConfigOptions.key("journeyflow.output.dead-letter-topic")
          .stringType()
          .defaultValue("dead-letters")
          .withDescription("Topic of rejected input (Avro DeadLetter).");

  public static final ConfigOption<String> DECISIONS_TOPIC =
      ConfigOptions.key("journeyflow.output.decisions-topic")
          .stringType()
          .defaultValue("decisions")
          .withDescription("Topic of decision records (Avro Decision), one per candidate action.");

  public static final ConfigOption<String> ERASURES_TOPIC =
      ConfigOptions.key("journeyflow.output.erasures-topic")
          .stringType()
          .defaultValue("erasures")
          .withDescription("Topic of erasure confirmations (Avro ErasureConfirmation).");

  public static final ConfigOption<Duration> ERASURE_TOMBSTONE_TTL =
      ConfigOptions.key("journeyflow.erasure.tombstone-ttl")
          .durationType()
          .defaultValue(Duration.ofDays(30))
          .withDescription(
              "How long an erased customer's key is remembered (processing time) so that rule"
                  + " matches begun before the erasure are dropped; keep it above the longest"
                  + " rule window.");

  public static final ConfigOption<String> POLICIES_FILE =
      ConfigOptions.key("journeyflow.policies.file")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "Decision policy file (consent, suppression, frequency caps); when unset, the"
                  + " bundled config/policies.yaml.");

  public static final ConfigOption<String> POLICIES_TOPIC =
      ConfigOptions.key("journeyflow.policies.topic")
          .stringType()
          .defaultValue("policy-updates")
          .withDescription(
              "Control topic of policy updates: each record is a whole policy document (YAML or"
                  + " JSON, as config/policies.yaml) with a new version. Valid updates apply to"
                  + " every later decision; invalid ones go to the dead letters. Use one"
                  + " partition, so updates keep their order.");

  public static final ConfigOption<String> JOURNEY_METRICS_TOPIC =
      ConfigOptions.key("journeyflow.output.journey-metrics-topic")
          .stringType()
          .defaultValue("journey-metrics")
          .withDescription(
              "Topic of journey analytics (Avro JourneyMetrics), per rule and window.");

  public static final ConfigOption<Duration> ANALYTICS_WINDOW =
      ConfigOptions.key("journeyflow.analytics.window")
          .durationType()
          .defaultValue(Duration.ofHours(1))
          .withDescription("Event-time window of the journey analytics (tumbling).");

  public static final ConfigOption<Duration> REPEAT_CONTACT_WINDOW =
      ConfigOptions.key("journeyflow.analytics.repeat-contact-window")
          .durationType()
          .defaultValue(Duration.ofDays(7))
          .withDescription(
              "A contact.started this soon after an action counts as a repeat contact.");

  public static final ConfigOption<String> HOLDOUT_SALT =
      ConfigOptions.key("journeyflow.holdout.salt")
          .stringType()
          .defaultValue("journeyflow-holdout-1")
          .withDescription(
              "Salt of the holdout assignment hash. Changing it reassigns every customer of"
                  + " every rule: change it only to start new experiments.");

  public static final ConfigOption<String> DELIVERY_GUARANTEE =
      ConfigOptions.key("journeyflow.output.delivery-guarantee")
          .stringType()
          .defaultValue("exactly-once")
          .withDescription(
              "exactly-once (Kafka transactions committed on checkpoints; consumers must read"
                  + " with isolation.level=read_committed), at-least-once or none.");

  public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX =
      ConfigOptions.key("journeyflow.output.transactional-id-prefix")
          .stringType()
          .defaultValue("journeyflow")
          .withDescription(
              "Prefix of Kafka transactional ids; must be unique per job on one Kafka cluster.");

  public static final ConfigOption<Duration> TRANSACTION_TIMEOUT =
      ConfigOptions.key("journeyflow.output.transaction-timeout")
          .durationType()
          .defaultValue(Duration.ofMinutes(15))
          .withDescription(
              "Kafka transaction timeout. Must exceed the checkpoint interval plus the longest"
                  + " expected checkpoint and recovery time, and be at most the broker's"
                  + " transaction.max.timeout.ms.");

  public static final ConfigOption<RecordTimestamp> RECORD_TIMESTAMP =
      ConfigOptions.key("journeyflow.output.record-timestamp")
          .enumType(RecordTimestamp.class)
          .defaultValue(RecordTimestamp.WRITE_TIME)
          .withDescription(
              "Timestamp of the records written to Kafka: WRITE_TIME (the time of writing) or"
                  + " EVENT_TIME (the event time they were decided on, also in the payload)."
                  + " Brokers delete records older than a topic's retention.ms (7 days by"
                  + " default), so EVENT_TIME output of a replay or backfill of older events is"
                  + " deleted soon after it is committed; use it only where retention covers"
                  + " the data's age.");

  public static final ConfigOption<Duration> OUT_OF_ORDERNESS =
      ConfigOptions.key("journeyflow.watermark.out-of-orderness")
          .durationType()
          .defaultValue(Duration.ofSeconds(30))
          .withDescription(
              "Bounded out-of-orderness of event time. An event older than the watermark"
                  + " (newest event time seen minus this bound) is late and goes to the"
                  + " dead-letter topic with stage 'late'.");

  public static final ConfigOption<Boolean> FAST_RULES =
      ConfigOptions.key("journeyflow.rules.fast-path")
          .booleanType()
          .defaultValue(false)
          .withDescription(
              "Evaluate the rules the fast engine supports (linear sequences, strict or relaxed,"
                  + " times, absences, within, correlateBy; skipPastLastEvent) in one keyed"
                  + " operator with one small state per customer and rule, instead of one Flink"
                  + " CEP operator per rule. Same matches as CEP (checked by"
                  + " FastRuleDifferentialTest); other rules stay on CEP. Changing it starts"
                  + " the moved rules with fresh partial matches.");

  public static final ConfigOption<Integer> HEAP_BUFFER_RECORDS =
      ConfigOptions.key("journeyflow.buffer.heap-records")
          .intType()
          .defaultValue(20_000)
          .withDescription(
              "Events and matches that wait for the watermark are held on the heap, up to this"
                  + " many per subtask of each of the two keyed operators (rules, decisions),"
                  + " and checkpointed as operator state; beyond it they wait in keyed state"
                  + " (RocksDB). About the number of events the out-of-orderness bound holds"
                  + " back per subtask; 0 keeps them all in keyed state.");

  public static final ConfigOption<Duration> FAR_TIMER_BUCKET =
      ConfigOptions.key("journeyflow.timers.far-bucket")
          .durationType()
          .defaultValue(Duration.ofMinutes(1))
          .withDescription(
              "Event-time timers of the two keyed operators (rules, decisions) due more than"
                  + " one to two of these past the watermark wait in keyed state, in lists per"
                  + " bucket of this width, and become Flink timers when the watermark comes"
                  + " within one bucket of them. Heap timers are written in full into every"
                  + " checkpoint's synchronous part; most pending timers (window ends, journey"
                  + " checks) are an hour or days ahead. 0: every timer is a Flink timer at"
                  + " once (lists restored from a run with buckets still fire).");

  public static final ConfigOption<Duration> IDLENESS =
      ConfigOptions.key("journeyflow.watermark.idleness")
          .durationType()
          .defaultValue(Duration.ofMinutes(1))
          .withDescription(
              "A source split without events for this long stops holding back the watermark.");

  public static final ConfigOption<Boolean> IDENTITY_RESOLUTION =
      ConfigOptions.key("journeyflow.identity.resolution")
          .booleanType()
          .defaultValue(false)
          .withDescription(
              "Link identifiers that occur together on events into one customer (docs/identity.md):"
                  + " an identity graph keyed by identifier, a loop topic between its keys, and"
                  + " IdentityMerged records on the identity topic. Off: the customer key is the"
                  + " first identifier of journeyflow.identity.priority that an event carries.");

  public static final ConfigOption<List<String>> IDENTITY_STRONG_TYPES =
      ConfigOptions.key("journeyflow.identity.strong-types")
          .stringType()
          .asList()
          .defaultValues("customerId", "accountId")
          .withDescription(
              "Identifier types that may join two customers; the other types of"
                  + " journeyflow.identity.priority are weak: they attach to a customer but never"
                  + " join two that each hold a strong identifier (a shared device or phone).");

  public static final ConfigOption<String> IDENTITY_TOPIC =
      ConfigOptions.key("journeyflow.output.identity-topic")
          .stringType()
          .defaultValue("identity")
          .withDescription("Topic of IdentityMerged records (identity resolution).");

  public static final ConfigOption<String> IDENTITY_CONFLICTS_TOPIC =
      ConfigOptions.key("journeyflow.output.identity-conflicts-topic")
          .stringType()
          .defaultValue("identity-conflicts")
          .withDescription(
              "Topic of IdentityConflict records: links refused because they would have joined"
                  + " two customers that each hold a strong identifier (identity resolution).");

  public static final ConfigOption<String> IDENTITY_LINKS_TOPIC =
      ConfigOptions.key("journeyflow.identity.links-topic")
          .stringType()
          .defaultValue("identity-links")
          .withDescription(
              "Internal topic the identity graph writes and reads: labels between identifier"
                  + " keys. One per job; at-least-once is enough.");

  public static final ConfigOption<Duration> IDENTITY_SETTLE =
      ConfigOptions.key("journeyflow.identity.conflict-settle")
          .durationType()
          .defaultValue(Duration.ofSeconds(10))
          .withDescription(
              "How long labels may still be moving before a weak identifier linked to two"
                  + " customers is reported as a conflict (processing time).");

  public static final ConfigOption<Duration> DEDUP_TTL =
      ConfigOptions.key("journeyflow.dedup.ttl")
          .durationType()
          .defaultValue(Duration.ofHours(24))
          .withDescription(
              "How long an eventId is remembered to drop duplicates (processing time).");

  public static final ConfigOption<List<String>> IDENTITY_PRIORITY =
      ConfigOptions.key("journeyflow.identity.priority")
          .stringType()
          .asList()
          .defaultValues("customerId", "accountId", "email", "phone", "deviceId")
          .withDescription(
              "Identifier types in priority order: the first one an event carries is its"
                  + " customer key. Events with none of them go to the dead-letter topic.");

  public static final ConfigOption<Integer> CONTEXT_MAX_EVENTS =
      ConfigOptions.key("journeyflow.context.recent-events.max-count")
          .intType()
          .defaultValue(20)
          .withDescription("How many recent events of a customer travel with each action.");

  public static final ConfigOption<Duration> CONTEXT_MAX_AGE =
      ConfigOptions.key("journeyflow.context.recent-events.max-age")
          .durationType()
          .defaultValue(Duration.ofDays(30))
          .withDescription("Recent events older than this (event time) leave the context.");

  public static final ConfigOption<Duration> CUSTOMER_IDLE_TTL =
      ConfigOptions.key("journeyflow.state.customer-idle-ttl")
          .durationType()
          .defaultValue(Duration.ofDays(90))
          .withDescription(
              "Context of a customer without events for this long is dropped (processing time)."
                  + " Open suppressions are not: they end by release or max duration.");

  public static final ConfigOption<String> RULES_DIR =
      ConfigOptions.key("journeyflow.rules.dir")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "Directory of rule files; when unset, the bundled starter rule library is used.");

  private JobOptions() {}
}
