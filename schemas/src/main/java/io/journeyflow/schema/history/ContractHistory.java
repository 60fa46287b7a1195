package io.journeyflow.schema.history;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * Released versions of the input contract, and earlier versions of the identity loop's records,
 * bundled so that readers recognise records written with any of them: Avro's single-object
 * encoding names the writer schema only by fingerprint.
 */
public final class ContractHistory {

  private static final String ROOT = "journeyflow/contract-history/";

  private ContractHistory() {}

  /** Every released CustomerEvent schema, oldest first. */
  public static List<Schema> customerEvent() {
    return load("CustomerEvent");
  }

  /** Every earlier IdentityMessage schema (the identity loop), oldest first. */
  public static List<Schema> identityMessage() {
    return load("IdentityMessage");
  }

  /** Every earlier JourneyTransfer schema (hand-overs on the identity loop), oldest first. */
  public static List<Schema> journeyTransfer() {
    return load("JourneyTransfer");
  }

  private static List<Schema> load(String record) {
    List<Schema> schemas = new ArrayList<>();
    for (String line : text(ROOT + record + "/index.txt").lines().toList()) {
      String file = line.strip();
      if (!file.isEmpty() && !file.startsWith("#")) {
        // One parser per file: each version defines the same names.
        schemas.add(new Schema.Parser().parse(text(ROOT + record + "/" + file)));
      }
    }
    return List.copyOf(schemas);
  }

  private static String text(String resource) {
    try (InputStream in = ContractHistory.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
