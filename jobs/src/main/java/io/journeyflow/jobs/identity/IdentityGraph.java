package io.journeyflow.jobs.identity;

import io.journeyflow.jobs.identity.IdentifierTypes.Identifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which identifiers are one customer: groups of linked identifiers, with the strong/weak rule,
 * the canonical customer id of each group, the merges and the refused links. In memory; the
 * reference semantics of identity resolution. Feed it events in event-time order (then by
 * event id): the refused links depend on which link came first.
 *
 * <p>Rules, for the identifiers of one event:
 *
 * <ol>
 *   <li>Its strong identifiers join: their groups merge, even if each already holds a strong
 *       identifier (a login naming a customer and an account proves they are one).
 *   <li>Without strong identifiers, the group of its best identifier is the anchor.
 *   <li>Every other group of the event joins the anchor unless both hold a strong identifier:
 *       a shared device or phone never merges two accounts. That link is refused and reported
 *       as a conflict; the identifier stays with the group it joined first.
 * </ol>
 *
 * The canonical id of a group is the customer key of its best identifier (strong first, then
 * the type order, then the value): a function of the group alone, so it changes only when the
 * group merges, and any processing order of the same links gives the same ids.
 */
public final class IdentityGraph {

  private final IdentifierTypes types;
  private final Comparator<Identifier> preference;
  private final Map<Identifier, Group> groupOf = new HashMap<>();
  private final Map<String, Group> byCustomer = new HashMap<>();

  public IdentityGraph(IdentifierTypes types) {
    this.types = types;
    this.preference = types.preference();
  }

  /** What one event did to the graph, and which customer it belongs to. */
  public record Resolution(String customerKey, List<Merge> merges, List<Conflict> conflicts) {}

  /** Two existing customers became one. */
  public record Merge(String absorbedId, String survivingId, List<Identifier> linking) {}

  /** A link refused because it would have merged two groups that each hold a strong id. */
  public record Conflict(Identifier identifier, String keptWith, String refusedFor) {}

  /**
   * Links the identifiers of one event. Returns null when the event carries none of the
   * configured types (it has no customer).
   */
  public Resolution link(Map<String, String> identities) {
    List<Identifier> ids = types.of(identities);
    if (ids.isEmpty()) {
      return null;
    }
    List<Merge> merges = new ArrayList<>();
    List<Conflict> conflicts = new ArrayList<>();
    Group anchor = null;
    for (Identifier id : ids) { // strong ones first in the type order
      if (types.isStrong(id.type())) {
        Group g = groupFor(id);
        anchor = anchor == null ? g : union(anchor, g, ids, merges);
      }
    }
    for (Identifier id : ids) {
      Group g = groupFor(id);
      if (anchor == null) {
        anchor = g;
      } else if (g != anchor) {
        if (g.strong && anchor.strong) {
          conflicts.add(new Conflict(id, g.canonical.key(), anchor.canonical.key()));
        } else {
          anchor = union(anchor, g, ids, merges);
        }
      }
    }
    for (Identifier id : ids) {
      groupOf.get(id).seen = true;
    }
    return new Resolution(anchor.canonical.key(), List.copyOf(merges), List.copyOf(conflicts));
  }

  /** The customer key an identifier resolves to today, or null if it was never seen. */
  public String customerOf(Identifier id) {
    Group g = groupOf.get(id);
    return g == null ? null : g.canonical.key();
  }

  /** Every identifier of a customer, best first; empty for an unknown key. */
  public List<Identifier> identifiersOf(String customerKey) {
    Group g = byCustomer.get(customerKey);
    if (g == null) {
      return List.of();
    }
    List<Identifier> members = new ArrayList<>(g.members);
    members.sort(preference);
    return members;
  }

  /** Forgets a customer's links (erasure); returns the identifiers that were removed. */
  public List<Identifier> erase(String customerKey) {
    List<Identifier> members = identifiersOf(customerKey);
    members.forEach(groupOf::remove);
    byCustomer.remove(customerKey);
    return members;
  }

  /** Number of identifiers known. */
  public int size() {
    return groupOf.size();
  }

  private Group groupFor(Identifier id) {
    Group g = groupOf.get(id);
    if (g == null) {
      g = new Group(id, types.isStrong(id.type()));
      groupOf.put(id, g);
      byCustomer.put(id.key(), g);
    }
    return g;
  }

  private Group union(Group a, Group b, List<Identifier> linking, List<Merge> merges) {
    if (a == b) {
      return a;
    }
    Group survivor = preference.compare(a.canonical, b.canonical) < 0 ? a : b;
    Group absorbed = survivor == a ? b : a;
    String absorbedKey = absorbed.canonical.key();
    // A group made only of this event's new identifiers was nobody's customer: no merge.
    if (absorbed.seen) {
      merges.add(new Merge(absorbedKey, survivor.canonical.key(), linking));
    }
    // Keep the larger member list and move the smaller: each identifier moves O(log n) times.
    Group big = survivor.members.size() >= absorbed.members.size() ? survivor : absorbed;
    Group small = big == survivor ? absorbed : survivor;
    for (Identifier id : small.members) {
      groupOf.put(id, big);
    }
    big.members.addAll(small.members);
    big.strong |= small.strong;
    big.seen |= small.seen;
    big.canonical = survivor.canonical;
    byCustomer.remove(absorbedKey);
    byCustomer.put(big.canonical.key(), big);
    return big;
  }

  /** A connected group of identifiers. */
  private static final class Group {
    final List<Identifier> members = new ArrayList<>();
    Identifier canonical;
    boolean strong;
    /** Some event before the current one carried an identifier of the group. */
    boolean seen;

    Group(Identifier first, boolean strong) {
      members.add(first);
      canonical = first;
      this.strong = strong;
    }
  }
}
