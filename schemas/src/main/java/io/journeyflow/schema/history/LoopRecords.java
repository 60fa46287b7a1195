package io.journeyflow.schema.history;

import io.journeyflow.schema.internal.IdentityMessage;
import io.journeyflow.schema.internal.JourneyTransfer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.SchemaStore;

/**
 * Readers of the identity loop's records that also know the schemas earlier versions of the job
 * wrote them with: after an upgrade the loop topic still holds labels and hand-overs of the
 * version before, and losing them would lose merges and journey state.
 */
public final class LoopRecords {

  private static final BinaryMessageDecoder<IdentityMessage> MESSAGES =
      decoder(ContractHistory.identityMessage(), IdentityMessage::createDecoder);
  private static final BinaryMessageDecoder<JourneyTransfer> TRANSFERS =
      decoder(ContractHistory.journeyTransfer(), JourneyTransfer::createDecoder);

  private LoopRecords() {}

  /** A label, erasure or hand-over read from the loop topic. */
  public static IdentityMessage identityMessage(ByteBuffer bytes) throws IOException {
    return MESSAGES.decode(bytes);
  }

  /** The journey state inside a hand-over. */
  public static JourneyTransfer journeyTransfer(ByteBuffer bytes) throws IOException {
    return TRANSFERS.decode(bytes);
  }

  private static <T> BinaryMessageDecoder<T> decoder(List<Schema> earlier,
      Function<SchemaStore, BinaryMessageDecoder<T>> create) {
    SchemaStore.Cache store = new SchemaStore.Cache();
    earlier.forEach(store::addSchema);
    return create.apply(store);
  }
}
