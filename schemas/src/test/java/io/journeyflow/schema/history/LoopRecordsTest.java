package io.journeyflow.schema.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyflow.schema.internal.IdentityMessage;
import io.journeyflow.schema.internal.JourneyTransfer;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

/** Loop records written by an earlier version of the job are read after an upgrade. */
class LoopRecordsTest {

  @Test
  void aLabelWrittenByTheVersionBeforeIsRead() throws Exception {
    for (Schema earlier : ContractHistory.identityMessage()) {
      GenericRecord old = new GenericRecordBuilder(earlier)
          .set("target", "email:ann@x.io")
          .set("from", "deviceId:d1")
          .set("label", "accountId:A7")
          .build();
      IdentityMessage read = LoopRecords.identityMessage(encode(earlier, old));
      assertThat(read.getLabel()).isEqualTo("accountId:A7");
      assertThat(read.getAliases()).isEmpty(); // the new field's default
    }
  }

  @Test
  void aHandOverWrittenByTheVersionBeforeIsRead() throws Exception {
    for (Schema earlier : ContractHistory.journeyTransfer()) {
      GenericRecord old = new GenericRecordBuilder(earlier)
          .set("absorbedId", "deviceId:d1")
          .set("survivingId", "accountId:A7")
          .set("entered", Map.of("billing-issue", 10L))
          .build();
      JourneyTransfer read = LoopRecords.journeyTransfer(encode(earlier, old));
      assertThat(read.getSurvivingId()).isEqualTo("accountId:A7");
      assertThat(read.getEntered()).containsEntry("billing-issue", 10L);
      assertThat(read.getFollowUps()).isEmpty();
    }
  }

  @Test
  void currentRecordsAreReadToo() throws Exception {
    IdentityMessage now = new IdentityMessage("a:1", "b:2", "a:1", null, false,
        Map.of("c:3", 99L), 42L);
    assertThat(LoopRecords.identityMessage(now.toByteBuffer())).isEqualTo(now);
  }

  private static ByteBuffer encode(Schema writer, GenericRecord record) throws Exception {
    return new BinaryMessageEncoder<GenericRecord>(GenericData.get(), writer).encode(record);
  }
}
