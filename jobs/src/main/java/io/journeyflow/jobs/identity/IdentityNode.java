package io.journeyflow.jobs.identity;

import io.journeyflow.jobs.identity.IdentifierTypes.Identifier;
import io.journeyflow.schema.internal.IdentityNodeState;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * What one identifier key of the distributed identity graph keeps: the customer it resolves to
 * (its label), the identifiers it was seen with and, for a weak identifier, the last label each
 * of them sent (to tell a contested identifier). Mutable, owned by one key; see
 * {@link IdentityProtocol}.
 */
public final class IdentityNode {

  /** The best identifier of its component this node knows of: the customer it resolves to. */
  public Identifier label;
  /** Identifiers it shared an event with. */
  public final Set<Identifier> neighbours = new LinkedHashSet<>();
  /** Weak nodes: the last label each neighbour sent. */
  public final Map<Identifier, Identifier> heard = new HashMap<>();
  /** Weak nodes: strong labels already reported as refused links. */
  public final Set<Identifier> reported = new HashSet<>();
  /**
   * Customers its label absorbed whose partial rule matches may still complete, and until when
   * (event time): events stamped here are copied to them.
   */
  public final Map<Identifier, Long> aliases = new HashMap<>();
  /** When it last stamped an event with its label (rounded down), or {@code Long.MIN_VALUE}. */
  public long stamped = Long.MIN_VALUE;
  /** Set by {@link IdentityProtocol} when it changed the node: only then is it stored again. */
  public boolean changed;

  public IdentityNode(Identifier self) {
    this.label = self;
  }

  /** From its keyed state; a new node when {@code state} is null. */
  public static IdentityNode of(Identifier self, IdentityNodeState state) {
    IdentityNode node = new IdentityNode(self);
    if (state != null) {
      node.label = Identifier.parse(state.getLabel());
      state.getNeighbours().forEach(n -> node.neighbours.add(Identifier.parse(n)));
      state.getHeard().forEach((from, label) ->
          node.heard.put(Identifier.parse(from), Identifier.parse(label)));
      state.getReported().forEach(r -> node.reported.add(Identifier.parse(r)));
      node.aliases.putAll(parseAliases(state.getAliases()));
      node.stamped = state.getStampedAt() == null ? Long.MIN_VALUE : state.getStampedAt();
    }
    return node;
  }

  /** As keyed state. */
  public IdentityNodeState toState() {
    Map<String, String> heardText = new HashMap<>();
    heard.forEach((from, l) -> heardText.put(from.toString(), l.toString()));
    return IdentityNodeState.newBuilder()
        .setLabel(label.toString())
        .setNeighbours(neighbours.stream().map(Identifier::toString).toList())
        .setHeard(heardText)
        .setReported(reported.stream().map(Identifier::toString).sorted().toList())
        .setAliases(aliasText(aliases))
        .setStampedAt(stamped == Long.MIN_VALUE ? null : stamped)
        .build();
  }

  /** Aliases as state and messages write them (type:value -> until). */
  public static Map<String, Long> aliasText(Map<Identifier, Long> aliases) {
    if (aliases.isEmpty()) {
      return Map.of();
    }
    Map<String, Long> text = new HashMap<>();
    aliases.forEach((a, until) -> text.put(a.toString(), until));
    return text;
  }

  /** Aliases read back from state or a message. */
  public static Map<Identifier, Long> parseAliases(Map<String, Long> text) {
    if (text.isEmpty()) {
      return Map.of();
    }
    Map<Identifier, Long> aliases = new HashMap<>();
    text.forEach((a, until) -> aliases.put(Identifier.parse(a), until));
    return aliases;
  }
}
