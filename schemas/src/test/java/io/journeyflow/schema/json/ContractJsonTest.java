package io.journeyflow.schema.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.journeyflow.schema.CustomerEvent;
import io.journeyflow.schema.DeadLetter;
import io.journeyflow.schema.DeadLetterOrigin;
import io.journeyflow.schema.SuppressionSignal;
import io.journeyflow.schema.SuppressionState;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The JSON-lines form: parsing, every contract rule, validation of Avro events, round trips. */
class ContractJsonTest {

  /** The example of the issue, in normalized form already. */
  static final String EXAMPLE =
      j("{'eventId':'e-1','eventType':'payment.failed','source':'billing','channel':null,"
          + "'occurredAt':'2026-11-01T10:00:00Z','identities':{'customerId':'c-1'},"
          + "'entityId':'inv-7','attributes':{'amount':42.5}}");

  /** JSON with single quotes, for readability. */
  static String j(String singleQuoted) {
    return singleQuoted.replace('\'', '"');
  }

  static CustomerEvent event() {
    return CustomerEvent.newBuilder()
        .setEventId("e-1")
        .setEventType("payment.failed")
        .setSource("billing")
        .setOccurredAt(Instant.parse("2026-11-01T10:00:00Z"))
        .setIdentities(new HashMap<>(Map.of("customerId", "c-1")))
        .setAttributes(new HashMap<>())
        .build();
  }

  /** A builder of a valid event, to break one field of. */
  static CustomerEvent.Builder valid() {
    return CustomerEvent.newBuilder(event());
  }

  @Test
  void parsesTheIssueExampleAndWritesItBackUnchanged() throws Exception {
    CustomerEvent e = ContractJson.parseEvent(EXAMPLE);
    assertThat(e.getEventId()).isEqualTo("e-1");
    assertThat(e.getEventType()).isEqualTo("payment.failed");
    assertThat(e.getSource()).isEqualTo("billing");
    assertThat(e.getChannel()).isNull();
    assertThat(e.getOccurredAt()).isEqualTo(Instant.parse("2026-11-01T10:00:00Z"));
    assertThat(e.getIdentities()).containsExactly(Map.entry("customerId", "c-1"));
    assertThat(e.getEntityId()).isEqualTo("inv-7");
    assertThat(e.getAttributes()).containsExactly(Map.entry("amount", 42.5));
    assertThat(ContractJson.toJson(e)).isEqualTo(EXAMPLE);
  }

  static Stream<Arguments> normalizations() {
    return Stream.of(
        Arguments.of("optional fields omitted",
            j("{'eventId':'e-2','eventType':'a.b','source':'s','occurredAt':'2026-11-01T10:00:00Z',"
                + "'identities':{'email':'a@b.io'}}"),
            j("{'eventId':'e-2','eventType':'a.b','source':'s','channel':null,"
                + "'occurredAt':'2026-11-01T10:00:00Z','identities':{'email':'a@b.io'},"
                + "'entityId':null,'attributes':{}}")),
        Arguments.of("fields in any order, spaces, offset time",
            j("{ 'attributes' : {}, 'identities':{'customerId':'c-1'}, 'source':'billing',"
                + " 'occurredAt':'2026-11-01T11:00:00+01:00', 'eventType':'payment.failed',"
                + " 'channel':'web', 'eventId':'e-1', 'entityId':null }"),
            j("{'eventId':'e-1','eventType':'payment.failed','source':'billing','channel':'web',"
                + "'occurredAt':'2026-11-01T10:00:00Z','identities':{'customerId':'c-1'},"
                + "'entityId':null,'attributes':{}}")),
        Arguments.of("epoch milliseconds",
            EXAMPLE.replace("\"2026-11-01T10:00:00Z\"", "1793527200250"),
            EXAMPLE.replace("2026-11-01T10:00:00Z", "2026-11-01T10:00:00.250Z")),
        Arguments.of("zero milliseconds are not written",
            EXAMPLE.replace("10:00:00Z", "10:00:00.000Z"), EXAMPLE),
        Arguments.of("finer than milliseconds is cut",
            EXAMPLE.replace("10:00:00Z", "10:00:00.123456789Z"),
            EXAMPLE.replace("10:00:00Z", "10:00:00.123Z")),
        Arguments.of("map keys sorted, attribute types kept",
            EXAMPLE.replace("{'amount':42.5}".replace('\'', '"'),
                j("{'z':null,'n':3,'b':true,'d':1.0,'s':'x','neg':-2.5e-3}"))
                .replace(j("{'customerId':'c-1'}"), j("{'phone':'+1','accountId':'a-1'}")),
            EXAMPLE.replace(j("{'amount':42.5}"),
                j("{'b':true,'d':1.0,'n':3,'neg':-0.0025,'s':'x','z':null}"))
                .replace(j("{'customerId':'c-1'}"), j("{'accountId':'a-1','phone':'+1'}"))),
        Arguments.of("unicode and escapes survive",
            EXAMPLE.replace("inv-7", "f\\u00fcr \\\"x\\\"\\n\u2028"),
            EXAMPLE.replace("inv-7", "für \\\"x\\\"\\n\u2028")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("normalizations")
  void roundTripGivesTheNormalizedForm(String name, String input, String normalized)
      throws Exception {
    CustomerEvent parsed = ContractJson.parseEvent(input);
    assertThat(ContractJson.toJson(parsed)).isEqualTo(normalized);
    // The normalized form is a fixed point and parses to an equal event.
    assertThat(ContractJson.parseEvent(normalized)).isEqualTo(parsed);
    assertThat(ContractJson.toJson(parsed)).doesNotContain("\n", "\r");
  }

  @Test
  void jsonAndAvroAgree() throws Exception {
    CustomerEvent parsed = ContractJson.parseEvent(EXAMPLE);
    CustomerEvent viaAvro = CustomerEvent.fromByteBuffer(parsed.toByteBuffer());
    assertThat(viaAvro).isEqualTo(parsed);
    assertThat(ContractJson.toJson(viaAvro)).isEqualTo(EXAMPLE);
  }

  @Test
  void attributesKeepTheirJavaTypes() throws Exception {
    CustomerEvent e =
        ContractJson.parseEvent(
            EXAMPLE.replace(j("{'amount':42.5}"),
                j("{'n':3,'big':9007199254740993,'b':false,'s':'x','z':null,'d':2.0}")));
    assertThat(e.getAttributes())
        .containsEntry("n", 3L)
        .containsEntry("big", 9007199254740993L)
        .containsEntry("b", false)
        .containsEntry("s", "x")
        .containsEntry("z", null)
        .containsEntry("d", 2.0);
  }

  static Stream<Arguments> violations() {
    return Stream.of(
        // field, replace what, with what, message fragment
        Arguments.of("eventId", "'eventId':'e-1',", "", "eventId is missing"),
        Arguments.of("eventId", "'eventId':'e-1'", "'eventId':null", "eventId is missing"),
        Arguments.of("eventId", "'eventId':'e-1'", "'eventId':'  '",
            "eventId must be a non-blank string, got a blank string"),
        Arguments.of("eventId", "'eventId':'e-1'", "'eventId':7",
            "eventId must be a non-blank string, got a number"),
        Arguments.of("eventType", "'eventType':'payment.failed',", "", "eventType is missing"),
        Arguments.of("eventType", "payment.failed", "Payment.Failed", "not dotted lowercase"),
        Arguments.of("eventType", "payment.failed", "payment..failed", "not dotted lowercase"),
        Arguments.of("eventType", "payment.failed", "payment.failed.", "not dotted lowercase"),
        Arguments.of("eventType", "payment.failed", "payment failed", "not dotted lowercase"),
        Arguments.of("eventType", "payment.failed", "payment-failed", "not dotted lowercase"),
        Arguments.of("source", "'source':'billing',", "", "source is missing"),
        Arguments.of("source", "'billing'", "''", "source must be a non-blank string"),
        Arguments.of("channel", "'channel':null", "'channel':1",
            "channel must be a string or null, got a number"),
        Arguments.of("entityId", "'inv-7'", "['inv-7']",
            "entityId must be a string or null, got an array"),
        Arguments.of("occurredAt", "'occurredAt':'2026-11-01T10:00:00Z',", "",
            "occurredAt is missing"),
        Arguments.of("occurredAt", "'2026-11-01T10:00:00Z'", "'yesterday'",
            "occurredAt 'yesterday' is not an ISO-8601 instant"),
        Arguments.of("occurredAt", "'2026-11-01T10:00:00Z'", "'2026-11-01T10:00:00'",
            "is not an ISO-8601 instant with offset"),
        Arguments.of("occurredAt", "'2026-11-01T10:00:00Z'", "'2026-11-31T10:00:00Z'",
            "is not an ISO-8601 instant"),
        Arguments.of("occurredAt", "'2026-11-01T10:00:00Z'", "1.79e12",
            "occurredAt must be an ISO-8601 instant string or integer epoch milliseconds"),
        Arguments.of("occurredAt", "'2026-11-01T10:00:00Z'", "true",
            "occurredAt must be an ISO-8601 instant string or integer epoch milliseconds"),
        Arguments.of("identities", "'identities':{'customerId':'c-1'},", "",
            "identities is missing"),
        Arguments.of("identities", "{'customerId':'c-1'}", "{}",
            "identities must hold at least one identifier"),
        Arguments.of("identities", "{'customerId':'c-1'}", "['c-1']",
            "identities must be an object of identifier type -> value, got an array"),
        Arguments.of("identities.customerId", "{'customerId':'c-1'}", "{'customerId':7}",
            "identities.customerId must be a non-blank string, got a number"),
        Arguments.of("identities.customerId", "{'customerId':'c-1'}", "{'customerId':null}",
            "identities.customerId must be a non-blank string, got null"),
        Arguments.of("identities.email", "{'customerId':'c-1'}",
            "{'customerId':'c-1','email':' '}", "identities.email is blank"),
        Arguments.of("identities", "{'customerId':'c-1'}", "{' ':'c-1'}",
            "identities has a blank identifier type"),
        Arguments.of("attributes", "{'amount':42.5}", "[1]",
            "attributes must be an object, got an array"),
        Arguments.of("attributes.amount", "{'amount':42.5}", "{'amount':[1]}",
            "attributes.amount must be null, boolean, number or string, got an array"),
        Arguments.of("attributes.amount", "{'amount':42.5}", "{'amount':{'v':1}}",
            "got an object"),
        Arguments.of("attributes.amount", "{'amount':42.5}",
            "{'amount':123456789012345678901234567890}", "out of the 64-bit integer range"),
        Arguments.of("attributes.amount", "{'amount':42.5}", "{'amount':1e400}",
            "out of the double range"),
        Arguments.of("entityID", "'entityId':'inv-7',", "'entityId':'inv-7','entityID':1,",
            "unknown field 'entityID' (did you mean 'entityId'?)"),
        Arguments.of("customerId", "'entityId':'inv-7',", "'entityId':'inv-7','customerId':1,",
            "unknown field 'customerId' (an event has eventId, eventType, source, channel,"
                + " occurredAt, identities, entityId, attributes)"),
        // Fields only the job sets (identity resolution): input may not forge them.
        Arguments.of("customerKey", "'entityId':'inv-7',", "'entityId':'inv-7','customerKey':'x',",
            "unknown field 'customerKey'"),
        Arguments.of("shadowOf", "'entityId':'inv-7',", "'entityId':'inv-7','shadowOf':'x',",
            "unknown field 'shadowOf'"));
  }

  @ParameterizedTest(name = "{0}: {3}")
  @MethodSource("violations")
  void rejectsContractViolationsNamingTheField(
      String field, String from, String to, String message) {
    String json = EXAMPLE.replace(j(from), j(to));
    assertThat(json).as("test setup: replacement applies").isNotEqualTo(EXAMPLE);
    InvalidEventException e =
        catchThrowableOfType(InvalidEventException.class, () -> ContractJson.parseEvent(json));
    assertThat(e).as("no exception for %s", json).isNotNull();
    assertThat(e).hasMessageContaining(message);
    assertThat(e.field()).isEqualTo(field);
    assertThat(e.isMalformed()).isFalse();
    assertThat(e.eventId()).isEqualTo(json.contains("\"eventId\":\"e-1\"") ? "e-1" : null);
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of(j("{'eventId': 'x', nope"), "invalid JSON: Unexpected character"),
        Arguments.of("this line is not JSON", "invalid JSON: Unrecognized token 'this'"),
        Arguments.of("", "invalid JSON: the input is empty"),
        Arguments.of("   ", "invalid JSON: the input is empty"),
        Arguments.of(EXAMPLE + " {}", "invalid JSON: Trailing token"),
        Arguments.of(EXAMPLE.replace(j("'source':'billing'"),
            j("'source':'billing','source':'shop'")), "invalid JSON: Duplicate field 'source'"),
        Arguments.of("[" + EXAMPLE + "]", "not a JSON object"),
        Arguments.of("\"e-1\"", "not a JSON object"),
        Arguments.of("null", "not a JSON object"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("malformed")
  void inputThatIsNoJsonObjectIsMalformed(String json, String message) {
    InvalidEventException e =
        catchThrowableOfType(InvalidEventException.class, () -> ContractJson.parseEvent(json));
    assertThat(e).isNotNull().hasMessageStartingWith(message);
    assertThat(e.isMalformed()).isTrue();
    assertThat(e.field()).isNull();
    assertThat(e.eventId()).isNull();
  }

  @Test
  void aValidEventPassesValidation() throws Exception {
    ContractJson.validate(event());
    ContractJson.validate(ContractJson.parseEvent(EXAMPLE));
  }

  static Stream<Arguments> invalidAvroEvents() {
    return Stream.of(
        Arguments.of(valid().setEventId(" ").build(), "eventId",
            "eventId is missing or blank"),
        Arguments.of(valid().setEventType("Payment").build(), "eventType",
            "eventType 'Payment' is not dotted lowercase"),
        Arguments.of(valid().setEventType("").build(), "eventType",
            "eventType is missing or blank"),
        Arguments.of(valid().setSource("").build(), "source",
            "source is missing or blank"),
        Arguments.of(valid().setIdentities(new HashMap<>()).build(), "identities",
            "identities must hold at least one identifier"),
        Arguments.of(valid().setIdentities(Map.of("customerId", "")).build(),
            "identities.customerId", "identities.customerId is blank"),
        Arguments.of(valid().setAttributes(Map.of("n", 1)).build(), "attributes.n",
            "attributes.n must be null, boolean, long, double or string, got Integer"),
        Arguments.of(valid().setAttributes(Map.of("x", Double.NaN)).build(),
            "attributes.x", "attributes.x is not a finite number"));
  }

  @ParameterizedTest(name = "{2}")
  @MethodSource("invalidAvroEvents")
  void validateChecksWhatAvroDecodingCannot(CustomerEvent e, String field, String message) {
    InvalidEventException x =
        catchThrowableOfType(InvalidEventException.class, () -> ContractJson.validate(e));
    assertThat(x).isNotNull().hasMessageContaining(message);
    assertThat(x.field()).isEqualTo(field);
    assertThat(x.eventId()).isEqualTo(field.equals("eventId") ? null : "e-1");
  }

  @Test
  void aMissingOccurredAtIsReported() {
    CustomerEvent e = event();
    e.put("occurredAt", null);
    assertThatThrownBy(() -> ContractJson.validate(e)).hasMessage("occurredAt is missing");
  }

  @Test
  void writesBytesAsBase64NestedRecordsAndMillis() {
    ByteBuffer payload = ByteBuffer.wrap(new byte[] {1, 2, 3, (byte) 0xff});
    DeadLetter d =
        DeadLetter.newBuilder()
            .setOrigin(DeadLetterOrigin.newBuilder().setKind("kafka").setTopic("t")
                .setPartition(1).setOffset(5L).build())
            .setPayload(payload)
            .setStage("decode")
            .setError("bad")
            .setRejectedAt(Instant.parse("2026-11-01T10:00:00.250Z"))
            .build();
    assertThat(ContractJson.toJson(d))
        .isEqualTo(j("{'origin':{'kind':'kafka','topic':'t','partition':1,'offset':5,"
            + "'file':null,'line':null},'payload':'AQID/w==','payloadText':null,"
            + "'stage':'decode','error':'bad','eventId':null,"
            + "'rejectedAt':'2026-11-01T10:00:00.250Z'}"));
    assertThat(payload.position()).as("writing must not consume the buffer").isZero();
  }

  @Test
  void writesEnumsArraysAndNullableTimestamps() {
    SuppressionSignal s =
        SuppressionSignal.newBuilder()
            .setSignalId("s-1")
            .setCustomerId("c-1")
            .setState(SuppressionState.SUPPRESS)
            .setScopes(List.of("marketing", "sales"))
            .setReason("outage")
            .setRuleId("r")
            .setJourney("j")
            .setAt(Instant.parse("2026-11-02T11:00:00Z"))
            .setUntil(Instant.parse("2026-11-16T11:00:00.001Z"))
            .build();
    assertThat(ContractJson.toJson(s))
        .isEqualTo(j("{'signalId':'s-1','customerId':'c-1','state':'SUPPRESS',"
            + "'scopes':['marketing','sales'],'reason':'outage','ruleId':'r','journey':'j',"
            + "'at':'2026-11-02T11:00:00Z','until':'2026-11-16T11:00:00.001Z'}"));
    s.setUntil(null);
    assertThat(ContractJson.toJson(s)).endsWith(j("'until':null}"));
  }

  @Test
  void timestampsAreWrittenInMillisecondsEvenWhenTheInstantIsFiner() {
    CustomerEvent e = event();
    // put(), unlike the generated setter, keeps the finer digits.
    e.put("occurredAt", Instant.parse("2026-11-01T10:00:00.000999Z"));
    assertThat(ContractJson.toJson(e)).contains(j("'occurredAt':'2026-11-01T10:00:00Z'"));
  }

  @Test
  void genericRecordsWithPlainLongTimestampsAreWrittenAlike() {
    Schema schema =
        SchemaBuilder.record("R").fields()
            .name("at").type(org.apache.avro.LogicalTypes.timestampMillis()
                .addToSchema(Schema.create(Schema.Type.LONG))).noDefault()
            .name("n").type().longType().noDefault()
            .endRecord();
    GenericRecord r = new GenericData.Record(schema);
    r.put("at", 1000L);
    r.put("n", 1000L);
    assertThat(ContractJson.toJson(r)).isEqualTo(j("{'at':'1970-01-01T00:00:01Z','n':1000}"));
  }

  @Test
  void aNullInANonNullableFieldIsNamed() {
    CustomerEvent e = event();
    e.setSource(null);
    assertThatThrownBy(() -> ContractJson.toJson(e))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CustomerEvent.source is null");
  }
}
