package io.journeyflow.bench;

import io.journeyflow.connectors.ConnectorTypes;
import io.journeyflow.connectors.InputFormat;
import io.journeyflow.connectors.KafkaEventSource;
import io.journeyflow.connectors.KafkaSinkSettings;
import io.journeyflow.connectors.KafkaSinks;
import io.journeyflow.connectors.KafkaSourceSettings;
import io.journeyflow.jobs.config.JobOptions;
import io.journeyflow.jobs.operators.CustomerKeys;
import io.journeyflow.jobs.operators.EventTimeWatermarks;
import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.DeadLetter;
import java.util.Map;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;

/**
 * The reference every throughput is divided by: Kafka -> Avro decode -> keyBy(customer) -> Avro
 * encode -> Kafka, exactly-once, with the same source, watermarks, key, sink and checkpoint
 * settings as the full job, and no rules, state or decisions.
 */
public final class BaselineJob {

  private BaselineJob() {}

  public static void build(StreamExecutionEnvironment env, ReadableConfig config, String run,
      String outputTopic) {
    KafkaSourceSettings source =
        new KafkaSourceSettings(
            config.get(JobOptions.BOOTSTRAP_SERVERS),
            config.get(JobOptions.INPUT_TOPICS),
            config.get(JobOptions.GROUP_ID),
            InputFormat.parse(config.get(JobOptions.INPUT_FORMAT)),
            config.get(JobOptions.STARTING_OFFSETS),
            true,
            Map.of());
    CustomerKeys keys = new CustomerKeys(config.get(JobOptions.IDENTITY_PRIORITY));
    KafkaSinkSettings sink =
        new KafkaSinkSettings(
            config.get(JobOptions.BOOTSTRAP_SERVERS),
            DeliveryGuarantee.EXACTLY_ONCE,
            config.get(JobOptions.TRANSACTIONAL_ID_PREFIX),
            config.get(JobOptions.TRANSACTION_TIMEOUT),
            Map.of());
    env.fromSource(
            KafkaEventSource.build(source),
            EventTimeWatermarks.strategy(
                config.get(JobOptions.OUT_OF_ORDERNESS), config.get(JobOptions.IDLENESS)),
            "kafka events")
        .uid("source-events")
        .map(new Probe(run), ConnectorTypes.decodedType())
        .uid("bench-probe")
        .name("bench probe")
        .flatMap(new Events(), ConnectorTypes.customerEvent())
        .uid("events")
        .keyBy(keys, Types.STRING)
        .map(new PassThrough(), ConnectorTypes.customerEvent())
        .uid("pass-through")
        .name("pass through")
        .sinkTo(KafkaSinks.avro(sink, outputTopic, new EventKey()))
        .uid("sink-events")
        .name("kafka events out");
  }

  /** Valid events on, decode failures dropped (the generator writes none). */
  static final class Events
      implements FlatMapFunction<Either<DeadLetter, CustomerEvent>, CustomerEvent> {
    @Override
    public void flatMap(Either<DeadLetter, CustomerEvent> value, Collector<CustomerEvent> out) {
      if (value.isRight()) {
        out.collect(value.right());
      }
    }
  }

  static final class PassThrough implements MapFunction<CustomerEvent, CustomerEvent> {
    @Override
    public CustomerEvent map(CustomerEvent value) {
      return value;
    }
  }

  /** Output key: the event's customer id, as the job keys its outputs by customer. */
  static final class EventKey implements io.journeyflow.connectors.KeyExtractor<CustomerEvent> {
    @Override
    public String key(CustomerEvent event) {
      return event.getIdentities().get(CustomerKeys.CUSTOMER_ID);
    }
  }
}
