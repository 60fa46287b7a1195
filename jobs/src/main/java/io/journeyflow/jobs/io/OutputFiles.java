package io.journeyflow.jobs.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Post-processing of replay outputs: a stable order, and a one-line summary. */
public final class OutputFiles {

  private static final ObjectMapper JSON = new ObjectMapper();

  private OutputFiles() {}

  /** Sorts each output file by event time, customer and id (parallel sinks interleave). */
  public static void sortAll(Path dir) throws IOException {
    sort(dir.resolve(FileJobIO.ACTIONS_FILE), "decidedAt", "customerId", "actionId");
    sort(dir.resolve(FileJobIO.SUPPRESSIONS_FILE), "at", "customerId", "signalId");
    sort(dir.resolve(FileJobIO.DEAD_LETTERS_FILE), "origin", "eventId", "error");
    sort(dir.resolve(FileJobIO.DECISIONS_FILE), "decidedAt", "customerId", "decisionId");
    sort(dir.resolve(FileJobIO.ERASURES_FILE), "requestedAt", "customerId", "requestEventId");
    sort(dir.resolve(FileJobIO.JOURNEY_METRICS_FILE), "windowStart", "ruleId");
    sortIfWritten(dir.resolve(FileJobIO.IDENTITY_FILE), "at", "mergeId");
    sortIfWritten(dir.resolve(FileJobIO.IDENTITY_CONFLICTS_FILE), "at", "conflictId");
  }

  /** Identity files only exist with identity resolution on. */
  private static void sortIfWritten(Path file, String... fields) throws IOException {
    if (Files.exists(file)) {
      sort(file, fields);
    }
  }

  public static String summary(Path dir) throws IOException {
    String identity = !Files.exists(dir.resolve(FileJobIO.IDENTITY_FILE)) ? ""
        : String.format(", %d identity merge(s), %d identity conflict(s)",
            count(dir.resolve(FileJobIO.IDENTITY_FILE)),
            count(dir.resolve(FileJobIO.IDENTITY_CONFLICTS_FILE)));
    return String.format(
        "replay wrote %d decision(s), %d action(s), %d suppression signal(s), %d dead letter(s)"
            + "%s to %s",
        count(dir.resolve(FileJobIO.DECISIONS_FILE)),
        count(dir.resolve(FileJobIO.ACTIONS_FILE)),
        count(dir.resolve(FileJobIO.SUPPRESSIONS_FILE)),
        count(dir.resolve(FileJobIO.DEAD_LETTERS_FILE)),
        identity,
        dir);
  }

  private static long count(Path file) throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    try (var lines = Files.lines(file)) {
      return lines.filter(line -> !line.isBlank()).count();
    }
  }

  private static void sort(Path file, String... fields) throws IOException {
    if (!Files.exists(file)) {
      Files.writeString(file, "");
      return;
    }
    List<String> lines = new ArrayList<>(Files.readAllLines(file));
    lines.removeIf(String::isBlank);
    Comparator<String> order = Comparator.comparing(line -> sortKey(line, fields));
    lines.sort(order.thenComparing(Comparator.naturalOrder()));
    Files.write(file, lines);
  }

  private static String sortKey(String line, String[] fields) {
    try {
      JsonNode node = JSON.readTree(line);
      StringBuilder key = new StringBuilder();
      for (String field : fields) {
        key.append(node.path(field).toString()).append('\u0000');
      }
      return key.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
