package io.journeyflow.jobs.identity;

import io.journeyflow.jobs.identity.IdentifierTypes.Identifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * Identity resolution spread over identifier keys, with no key that sees the whole graph: each
 * identifier is a node, events add edges between the identifiers they carry, and labels (the
 * best identifier of a component, which is its canonical customer id) spread along the edges by
 * messages. Labels only improve and every message is idempotent, so any delivery order and
 * at-least-once delivery end in the same labels; when no link conflicts, they are the labels of
 * {@link IdentityGraph}.
 *
 * <p>The strong/weak rule without a global view: a strong node takes labels only from strong
 * neighbours, so strong components join only through events that carry two strong identifiers,
 * and a shared device or phone never joins two accounts. A weak node takes the best label any
 * neighbour sends: a weak identifier linked to two strong components (a refused link) resolves
 * to the better-ranked one whatever the order of events, where the in-memory reference keeps
 * the first. {@link #settle} reports such identifiers once labels have stopped moving.
 *
 * <p>A node whose label is itself may be a customer in use: when it takes another label, it
 * reports that it was absorbed, exactly once. Some such customers never had an event (two new
 * identifiers linked at once); a consumer merging an empty customer does nothing. An event is resolved by its best identifier's node with what that node knows: the first event
 * that ties a new weak identifier to a known customer may still land on the new one, which is
 * then absorbed like any other.
 */
public final class IdentityProtocol {

  private final IdentifierTypes types;
  private final Comparator<Identifier> preference;

  public IdentityProtocol(IdentifierTypes types) {
    this.types = types;
    this.preference = types.preference();
  }

  /** Where a node's effects go: messages to other nodes and reports. */
  public interface Effects {
    /** Deliver {@code label} from {@code from} to node {@code to} (at least once, any order). */
    void send(Identifier to, Identifier from, Identifier label);

    /** The customer {@code absorbed} is now {@code survivor}, learnt from neighbour {@code via}. */
    void merged(Identifier absorbed, Identifier survivor, Identifier via);

    /** A link of {@code node} to the customer {@code refused} was not applied. */
    void conflict(Identifier node, Identifier keptWith, Identifier refused);
  }

  /**
   * An event carrying {@code ids} (best first, see {@link IdentifierTypes#of}) seen by the node
   * of {@code self}, one of them. Returns the customer the event resolves to at this node: the
   * answer for the event when {@code self} is its best identifier.
   */
  public Identifier observe(Identifier self, IdentityNode node, List<Identifier> ids,
      Effects out) {
    List<Identifier> fresh = new ArrayList<>();
    for (Identifier id : ids) {
      if (!id.equals(self) && node.neighbours.add(id)) {
        fresh.add(id);
        node.changed = true;
      }
    }
    Identifier before = node.label;
    // What the event itself says, as if its best other identifier had sent its own name (a
    // strong node hears only strong ones); their customers come with their labels later.
    for (Identifier id : ids) {
      if (id.equals(self)) {
        continue;
      }
      if (!types.isStrong(self.type()) || types.isStrong(id.type())) {
        receive(self, node, id, id, out);
        break;
      }
    }
    if (node.label.equals(before)) { // adopt() told every neighbour otherwise
      for (Identifier id : fresh) {
        out.send(id, self, node.label);
      }
    }
    return node.label;
  }

  /** A label {@code label} sent by neighbour {@code from}. */
  public void receive(Identifier self, IdentityNode node, Identifier from, Identifier label,
      Effects out) {
    boolean strongSelf = types.isStrong(self.type());
    if (!strongSelf) {
      // A neighbour's label only improves: a late duplicate of an older one must not count.
      Identifier known = node.heard.get(from);
      if (known == null || better(label, known)) {
        node.heard.put(from, label);
        node.changed = true;
      }
    }
    if ((!strongSelf || types.isStrong(from.type())) && better(label, node.label)) {
      adopt(self, node, from, label, out);
    }
  }

  /**
   * Reports a weak node that heard two or more strong customers, once for each it refused:
   * call it when labels have had time to settle, or a merge still on its way looks like one.
   */
  public void settle(Identifier self, IdentityNode node, Effects out) {
    if (types.isStrong(self.type())) {
      return;
    }
    TreeSet<Identifier> heard = new TreeSet<>(preference);
    heard.addAll(node.heard.values());
    for (Identifier label : heard) {
      if (types.isStrong(label.type()) && !label.equals(node.label)
          && node.reported.add(label)) {
        node.changed = true;
        out.conflict(self, node.label, label);
      }
    }
  }

  private void adopt(Identifier self, IdentityNode node, Identifier from, Identifier label,
      Effects out) {
    if (node.label.equals(self)) {
      // Its own name may have reached other nodes and named a customer there: report it even if
      // no event of its own came through here. Once, since a label never becomes self again.
      out.merged(self, label, from);
    }
    node.label = label;
    node.changed = true;
    for (Identifier n : node.neighbours) {
      out.send(n, self, label);
    }
  }

  private boolean better(Identifier a, Identifier b) {
    return preference.compare(a, b) < 0;
  }
}
