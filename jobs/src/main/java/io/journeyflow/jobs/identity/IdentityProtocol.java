package io.journeyflow.jobs.identity;

import io.journeyflow.jobs.identity.IdentifierTypes.Identifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
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
 * identifiers linked at once); a consumer merging an empty customer does nothing. An event is
 * resolved by its best identifier's node with what that node knows: the first event
 * that ties a new weak identifier to a known customer may still land on the new one, which is
 * then absorbed like any other.
 */
public final class IdentityProtocol {

  private final IdentifierTypes types;
  private final Comparator<Identifier> preference;
  /** How long a partial rule match may wait (the longest rule window); 0: no aliases. */
  private final long window;

  /** Without aliases: partial matches of an absorbed customer are not continued. */
  public IdentityProtocol(IdentifierTypes types) {
    this(types, Duration.ZERO);
  }

  /**
   * {@code window}: the longest time a rule's partial match waits for its next step; for that
   * long after its last event, an absorbed customer is an alias of the customer that absorbed
   * it, and events of that customer are copied to it.
   */
  public IdentityProtocol(IdentifierTypes types, Duration window) {
    this.types = types;
    this.preference = types.preference();
    this.window = window.toMillis();
  }

  /** Where a node's effects go: messages to other nodes and reports. */
  public interface Effects {
    /**
     * Deliver {@code label} and the sender's {@code aliases} from {@code from} to node
     * {@code to} (at least once, any order).
     */
    void send(Identifier to, Identifier from, Identifier label, Map<Identifier, Long> aliases);

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
  public Identifier observe(Identifier self, IdentityNode node, List<Identifier> ids, long at,
      Effects out) {
    prune(node, at);
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
        receive(self, node, id, id, Map.of(), at, out);
        break;
      }
    }
    if (node.label.equals(before)) { // receive() told every neighbour otherwise
      for (Identifier id : fresh) {
        out.send(id, self, node.label, node.aliases);
      }
    }
    return node.label;
  }

  /**
   * The node stamped an event at {@code at} with its label: the label is a customer in use, whose
   * partial matches must be able to complete if it is absorbed. Rounded down to an eighth of the
   * window, so that a busy identifier is not written for every event.
   */
  public void stamped(IdentityNode node, long at) {
    if (window > 0 && at - window / 8 > node.stamped) {
      node.stamped = at - Math.floorMod(at, Math.max(1, window / 8));
      node.changed = true;
    }
  }

  /** The customers to copy an event at {@code at} stamped by this node to. */
  public List<Identifier> aliasesAt(IdentityNode node, long at) {
    if (node.aliases.isEmpty()) {
      return List.of(); // nearly every event: no allocation
    }
    List<Identifier> live = new ArrayList<>();
    node.aliases.forEach((alias, until) -> {
      if (until >= at) {
        live.add(alias);
      }
    });
    live.sort(preference);
    return live;
  }

  /** A label and the aliases that go with it, sent by neighbour {@code from}. */
  public void receive(Identifier self, IdentityNode node, Identifier from, Identifier label,
      Map<Identifier, Long> aliases, long at, Effects out) {
    prune(node, at);
    boolean strongSelf = types.isStrong(self.type());
    if (!strongSelf) {
      // A neighbour's label only improves: a late duplicate of an older one must not count.
      Identifier known = node.heard.get(from);
      if (known == null || better(label, known)) {
        node.heard.put(from, label);
        node.changed = true;
      }
    }
    boolean moved = false;
    if ((!strongSelf || types.isStrong(from.type())) && better(label, node.label)) {
      adopt(self, node, from, label, at, out);
      moved = true;
    }
    // The same customer's aliases, from any neighbour: a strong node takes them from a weak one.
    boolean learnt = false;
    if (label.equals(node.label)) {
      for (Map.Entry<Identifier, Long> a : aliases.entrySet()) {
        if (a.getValue() >= at && !a.getKey().equals(node.label)
            && a.getValue() > node.aliases.getOrDefault(a.getKey(), Long.MIN_VALUE)) {
          node.aliases.put(a.getKey(), a.getValue());
          learnt = true;
        }
      }
    }
    if (moved || learnt) {
      node.changed = true;
      for (Identifier n : node.neighbours) {
        out.send(n, self, node.label, node.aliases);
      }
    }
  }

  /** Forgets the aliases whose partial matches can no longer complete. */
  private static void prune(IdentityNode node, long at) {
    if (!node.aliases.isEmpty() && node.aliases.values().removeIf(until -> until < at)) {
      node.changed = true;
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
      long at, Effects out) {
    if (node.label.equals(self)) {
      // Its own name may have reached other nodes and named a customer there: report it even if
      // no event of its own came through here. Once, since a label never becomes self again.
      out.merged(self, label, from);
    }
    if (node.stamped != Long.MIN_VALUE) {
      // Events were stamped here with the old label: partial matches begun under it may wait
      // for the new customer's events until a window after the last of them.
      long until = node.stamped + window + window / 8;
      if (until >= at && until > node.aliases.getOrDefault(node.label, Long.MIN_VALUE)) {
        node.aliases.put(node.label, until);
      }
      node.stamped = Long.MIN_VALUE;
    }
    node.aliases.remove(label);
    node.label = label;
  }

  private boolean better(Identifier a, Identifier b) {
    return preference.compare(a, b) < 0;
  }
}
