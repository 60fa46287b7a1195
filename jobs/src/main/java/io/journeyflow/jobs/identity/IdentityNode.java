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
        .build();
  }
}
