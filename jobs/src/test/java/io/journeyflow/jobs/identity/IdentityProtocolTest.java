package io.journeyflow.jobs.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyflow.jobs.identity.IdentifierTypes.Identifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The distributed protocol against the in-memory reference: nodes that only exchange messages,
 * delivered in random order and some twice, end with the reference's customers.
 */
class IdentityProtocolTest {

  private static final IdentifierTypes TYPES = IdentifierTypes.defaults();
  /** {@code -Didentity.seed=N} for other random streams (soak runs). */
  private static final long SEED = Long.getLong("identity.seed", 0L);

  @Test
  void anyDeliveryOrderEndsWithTheReferenceCustomers() {
    Random random = new Random(SEED + 11);
    for (int round = 0; round < 200; round++) {
      List<Map<String, String>> events = conflictFree(random, 1 + random.nextInt(80));
      Network net = new Network(random, true);
      for (Map<String, String> e : events) {
        net.event(TYPES.of(e)); // observations queued with the messages, all shuffled
      }
      net.drain();
      net.settle();
      IdentityGraph reference = new IdentityGraph(TYPES);
      events.forEach(reference::link);
      for (Identifier id : net.nodes.keySet()) {
        assertThat(net.nodes.get(id).label.key()).as("round %d: %s", round, id)
            .isEqualTo(reference.customerOf(id));
      }
      assertThat(net.conflicts).as("round %d", round).isEmpty();
      net.assertMergeChainsEndAtTheFinalLabels();
    }
  }

  @Test
  void deliveredBeforeTheNextEventTheReferenceMergesHappen() {
    Random random = new Random(SEED + 5);
    for (int round = 0; round < 200; round++) {
      List<Map<String, String>> events = conflictFree(random, 1 + random.nextInt(60));
      Network net = new Network(random, false);
      IdentityGraph reference = new IdentityGraph(TYPES);
      Set<String> absorbed = new HashSet<>();
      for (Map<String, String> e : events) {
        net.event(TYPES.of(e));
        net.drain();
        reference.link(e).merges().forEach(m -> absorbed.add(m.absorbedId()));
      }
      // Every customer the reference absorbs is absorbed here too (and some that never had an
      // event of their own), and following the merges always leads to the final customer.
      assertThat(net.merges.keySet()).extracting(Identifier::key).as("round %d", round)
          .containsAll(absorbed);
      net.assertMergeChainsEndAtTheFinalLabels();
    }
  }

  @Test
  void aSharedDeviceIsAConflictAndNeverJoinsTwoAccounts() {
    Network net = new Network(new Random(1), false);
    net.event(TYPES.of(Map.of("accountId", "A1", "deviceId", "tablet")));
    net.drain();
    net.event(TYPES.of(Map.of("accountId", "A2", "deviceId", "tablet")));
    net.drain();
    net.settle();
    assertThat(net.label("accountId", "A1")).isEqualTo("accountId:A1");
    assertThat(net.label("accountId", "A2")).isEqualTo("accountId:A2");
    assertThat(net.label("deviceId", "tablet")).isEqualTo("accountId:A1");
    assertThat(net.conflicts).containsExactly("deviceId:tablet kept accountId:A1 refused "
        + "accountId:A2");
  }

  @Test
  void aCustomerWithEventsIsAnAliasOfItsSurvivorOnEveryIdentifierForAWindow() {
    long window = 3_600_000;
    Random random = new Random(SEED + 23);
    for (int round = 0; round < 50; round++) {
      Network net = new Network(random, false, java.time.Duration.ofMillis(window));
      net.event(TYPES.of(Map.of("deviceId", "d1")), 0); // a web visitor with an event
      net.drain();
      net.event(TYPES.of(Map.of("deviceId", "d2")), 0);
      net.drain();
      net.event(TYPES.of(Map.of("email", "e2", "deviceId", "d2")), 5); // d2 absorbed by e2
      net.drain();
      // A login names the account, the visitor, the email (with d2) and a new phone.
      net.event(TYPES.of(Map.of("accountId", "A1", "deviceId", "d1", "email", "e2",
          "phone", "p1")), 10);
      net.drain();
      net.event(TYPES.of(Map.of("accountId", "A2", "deviceId", "d1")), 20); // shared device
      net.drain();

      for (String node : List.of("accountId:A1", "deviceId:d1", "deviceId:d2", "email:e2",
          "phone:p1")) {
        // Customers that had events are aliases everywhere in the group, chains included;
        // the phone never named a customer with events, so it is none.
        assertThat(net.aliasesAt(node, 10)).as("round %d, %s", round, node)
            .containsExactly("email:e2", "deviceId:d1", "deviceId:d2");
        // For a window (rounded up by an eighth) after the alias's last event, then no more.
        assertThat(net.aliasesAt(node, 5 + window)).as("round %d, %s", round, node)
            .contains("email:e2");
        assertThat(net.aliasesAt(node, 5 + window + window / 8 + 1))
            .as("round %d, %s", round, node).isEmpty();
      }
      // Aliases never cross a refused link.
      assertThat(net.aliasesAt("accountId:A2", 20)).isEmpty();
    }
  }

  @Test
  void withConflictsInAnyOrderNoTwoStrongComponentsEverShareALabel() {
    Random random = new Random(SEED + 3);
    for (int round = 0; round < 200; round++) {
      List<Map<String, String>> events = new ArrayList<>();
      for (int i = 0; i < 40; i++) { // devices and phones shared between accounts
        Map<String, String> e = new HashMap<>();
        e.put("accountId", "A" + random.nextInt(6));
        e.put(random.nextBoolean() ? "deviceId" : "phone", "w" + random.nextInt(5));
        events.add(e);
      }
      Network net = new Network(random, true);
      events.forEach(e -> net.event(TYPES.of(e)));
      net.drain();
      for (int a = 0; a < 6; a++) {
        String label = net.nodes.containsKey(new Identifier("accountId", "A" + a))
            ? net.label("accountId", "A" + a) : null;
        assertThat(label).isIn(null, "accountId:A" + a);
      }
      // Every shared identifier resolves to the best account it was seen with, in any order.
      Map<String, String> best = new HashMap<>();
      for (Map<String, String> e : events) {
        String weak = e.containsKey("deviceId") ? "deviceId:" + e.get("deviceId")
            : "phone:" + e.get("phone");
        best.merge(weak, "accountId:" + e.get("accountId"),
            (x, y) -> x.compareTo(y) <= 0 ? x : y);
      }
      best.forEach((weak, account) -> assertThat(net.nodes.get(new Identifier(
          weak.substring(0, weak.indexOf(':')), weak.substring(weak.indexOf(':') + 1)))
          .label.key()).isEqualTo(account));
    }
  }

  /** Streams in which no weak identifier ever meets two strong components. */
  private static List<Map<String, String>> conflictFree(Random random, int n) {
    List<Map<String, String>> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int person = random.nextInt(12);
      Map<String, String> e = new HashMap<>();
      // A person's strong identifiers: one customer id and two accounts, linked or not yet.
      if (random.nextInt(3) == 0) {
        e.put("customerId", "C" + person);
      }
      if (random.nextInt(3) == 0) {
        e.put("accountId", "A" + person + "-" + random.nextInt(2));
      }
      if (e.isEmpty() || random.nextBoolean()) {
        e.put(random.nextBoolean() ? "email" : "deviceId", person + "-" + random.nextInt(3));
      }
      if (random.nextInt(4) == 0) {
        e.put("phone", person + "-p");
      }
      events.add(e);
    }
    // Linked customer ids and accounts are one person only if something links them: a weak
    // identifier shared by two unlinked strong ones of one person would be a conflict, so
    // every person's strong identifiers are linked by one event up front.
    for (int person = 0; person < 12; person++) {
      events.add(0, Map.of("customerId", "C" + person, "accountId", "A" + person + "-0"));
      events.add(0, Map.of("customerId", "C" + person, "accountId", "A" + person + "-1"));
    }
    return events;
  }

  /** Nodes and an unordered bag of pending work: observations and label messages. */
  private static final class Network implements IdentityProtocol.Effects {
    final Map<Identifier, IdentityNode> nodes = new TreeMap<>(
        java.util.Comparator.comparing(Identifier::toString));
    final Map<Identifier, Identifier> merges = new LinkedHashMap<>();
    final List<String> conflicts = new ArrayList<>();
    final List<Runnable> pending = new ArrayList<>();
    final IdentityProtocol protocol;
    final Random random;
    final boolean shuffleObservations;

    Network(Random random, boolean shuffleObservations) {
      this(random, shuffleObservations, java.time.Duration.ZERO);
    }

    Network(Random random, boolean shuffleObservations, java.time.Duration window) {
      this.random = random;
      this.shuffleObservations = shuffleObservations;
      this.protocol = new IdentityProtocol(TYPES, window);
    }

    IdentityNode node(Identifier id) {
      return nodes.computeIfAbsent(id, IdentityNode::new);
    }

    /** Observes the event at each of its identifiers' nodes, at once or queued. */
    void event(List<Identifier> ids) {
      event(ids, 0);
    }

    /** At event time {@code at}; its best identifier's node stamps it, as in the job. */
    void event(List<Identifier> ids, long at) {
      for (Identifier id : ids) {
        Runnable observe = () -> {
          protocol.observe(id, node(id), ids, at, this);
          if (id.equals(ids.get(0))) {
            protocol.stamped(node(id), at);
          }
        };
        if (shuffleObservations) {
          pending.add(observe);
        } else {
          observe.run();
        }
      }
    }

    void settle() {
      nodes.forEach((id, node) -> protocol.settle(id, node, this));
    }

    void drain() {
      while (!pending.isEmpty()) {
        Runnable next = pending.remove(random.nextInt(pending.size()));
        next.run();
        if (random.nextInt(10) == 0) {
          next.run(); // at-least-once: some work happens twice
        }
      }
    }

    List<String> aliasesAt(String node, long at) {
      return protocol.aliasesAt(nodes.get(Identifier.parse(node)), at).stream()
          .map(Identifier::toString).toList();
    }

    String label(String type, String value) {
      return nodes.get(new Identifier(type, value)).label.key();
    }

    @Override
    public void send(Identifier to, Identifier from, Identifier label,
        Map<Identifier, Long> aliases) {
      Map<Identifier, Long> sent = Map.copyOf(aliases);
      pending.add(() -> protocol.receive(to, node(to), from, label, sent, 0, this));
    }

    @Override
    public void merged(Identifier absorbed, Identifier survivor, Identifier via) {
      assertThat(merges.put(absorbed, survivor)).as("%s absorbed twice", absorbed).isNull();
    }

    @Override
    public void conflict(Identifier node, Identifier keptWith, Identifier refused) {
      conflicts.add(node + " kept " + keptWith.key() + " refused " + refused.key());
    }

    void assertMergeChainsEndAtTheFinalLabels() {
      for (Identifier absorbed : merges.keySet()) {
        Identifier at = absorbed;
        while (merges.containsKey(at)) {
          at = merges.get(at);
        }
        assertThat(at).isEqualTo(nodes.get(absorbed).label);
      }
    }
  }
}
