package io.journeyflow.jobs.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.journeyflow.jobs.identity.IdentifierTypes.Identifier;
import io.journeyflow.jobs.identity.IdentityGraph.Conflict;
import io.journeyflow.jobs.identity.IdentityGraph.Merge;
import io.journeyflow.jobs.identity.IdentityGraph.Resolution;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The reference semantics of identity resolution, without any runtime. */
class IdentityGraphTest {

  private final IdentityGraph graph = new IdentityGraph(IdentifierTypes.defaults());

  @Test
  void aLoginLinksAWebVisitorAChatContactAndABillingAccount() {
    assertThat(graph.link(Map.of("deviceId", "d1")).customerKey()).isEqualTo("deviceId:d1");
    assertThat(graph.link(Map.of("email", "ann@x.io")).customerKey()).isEqualTo("email:ann@x.io");
    assertThat(graph.link(Map.of("accountId", "A7")).customerKey()).isEqualTo("accountId:A7");

    Resolution login =
        graph.link(Map.of("accountId", "A7", "email", "ann@x.io", "deviceId", "d1"));

    assertThat(login.customerKey()).isEqualTo("accountId:A7");
    assertThat(login.merges()).extracting(Merge::absorbedId, Merge::survivingId)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("email:ann@x.io", "accountId:A7"),
            org.assertj.core.groups.Tuple.tuple("deviceId:d1", "accountId:A7"));
    assertThat(login.conflicts()).isEmpty();
    // Every identifier now names the account; later events of any of them are one customer.
    assertThat(graph.link(Map.of("deviceId", "d1")).customerKey()).isEqualTo("accountId:A7");
    assertThat(graph.link(Map.of("email", "ann@x.io")).customerKey()).isEqualTo("accountId:A7");
    assertThat(graph.identifiersOf("accountId:A7")).extracting(Identifier::toString)
        .containsExactly("accountId:A7", "email:ann@x.io", "deviceId:d1");
  }

  @Test
  void aSharedDeviceNeverMergesTwoAccounts() {
    graph.link(Map.of("accountId", "A1", "deviceId", "family-tablet"));
    Resolution second = graph.link(Map.of("accountId", "A2", "deviceId", "family-tablet"));

    assertThat(second.customerKey()).isEqualTo("accountId:A2");
    assertThat(second.merges()).isEmpty();
    assertThat(second.conflicts()).containsExactly(new Conflict(
        new Identifier("deviceId", "family-tablet"), "accountId:A1", "accountId:A2"));
    // The device stays with the account it was seen with first.
    assertThat(graph.link(Map.of("deviceId", "family-tablet")).customerKey())
        .isEqualTo("accountId:A1");
    assertThat(graph.identifiersOf("accountId:A2")).extracting(Identifier::toString)
        .containsExactly("accountId:A2");
  }

  @Test
  void aWeakOnlyEventNeverMergesTwoAccountsEither() {
    graph.link(Map.of("accountId", "A1", "email", "e1"));
    graph.link(Map.of("accountId", "A2", "phone", "p-shared"));
    Resolution r = graph.link(Map.of("email", "e1", "phone", "p-shared", "deviceId", "d9"));

    assertThat(r.customerKey()).isEqualTo("accountId:A1"); // the group of its best identifier
    assertThat(r.conflicts()).extracting(Conflict::identifier)
        .containsExactly(new Identifier("phone", "p-shared"));
    assertThat(graph.customerOf(new Identifier("deviceId", "d9"))).isEqualTo("accountId:A1");
  }

  @Test
  void strongIdentifiersOnOneEventJoinEvenIfBothAreKnownCustomers() {
    graph.link(Map.of("accountId", "A1"));
    graph.link(Map.of("customerId", "C5"));
    Resolution r = graph.link(Map.of("customerId", "C5", "accountId", "A1"));

    assertThat(r.customerKey()).isEqualTo("C5");
    assertThat(r.merges()).containsExactly(new Merge("accountId:A1", "C5",
        List.of(new Identifier("customerId", "C5"), new Identifier("accountId", "A1"))));
  }

  @Test
  void newIdentifiersAreNoMergeAndNeverMoveAnExistingCustomerUnlessTheyRankFirst() {
    graph.link(Map.of("accountId", "A5"));
    Resolution attach = graph.link(Map.of("accountId", "A5", "email", "new@x.io"));
    assertThat(attach.merges()).isEmpty();
    assertThat(attach.customerKey()).isEqualTo("accountId:A5");

    Resolution both = graph.link(Map.of("email", "brand@x.io", "deviceId", "brand-new"));
    assertThat(both.merges()).isEmpty();
    assertThat(both.customerKey()).isEqualTo("email:brand@x.io");

    // A customer id ranks before an account: the customer is renamed, and that is a merge.
    Resolution renamed = graph.link(Map.of("accountId", "A5", "customerId", "C1"));
    assertThat(renamed.customerKey()).isEqualTo("C1");
    assertThat(renamed.merges()).extracting(Merge::absorbedId).containsExactly("accountId:A5");
  }

  @Test
  void eventsWithoutAConfiguredIdentifierHaveNoCustomer() {
    assertThat(graph.link(Map.of("loyaltyCard", "L1", "email", " "))).isNull();
    assertThat(graph.size()).isZero();
  }

  @Test
  void erasureForgetsEveryLinkOfTheCustomer() {
    graph.link(Map.of("accountId", "A1", "email", "e1", "deviceId", "d1"));
    assertThat(graph.erase("accountId:A1")).hasSize(3);
    assertThat(graph.customerOf(new Identifier("email", "e1"))).isNull();
    assertThat(graph.link(Map.of("email", "e1")).customerKey()).isEqualTo("email:e1");
  }

  @Test
  void withoutConflictsAnyOrderOfTheSameLinksGivesTheSameCustomers() {
    List<Map<String, String>> links = new ArrayList<>();
    Random random = new Random(7);
    for (int i = 0; i < 400; i++) {
      // One strong identifier per person: no link can conflict.
      int person = random.nextInt(60);
      Map<String, String> ids = new java.util.HashMap<>();
      if (random.nextInt(3) == 0) {
        ids.put(person % 2 == 0 ? "accountId" : "customerId", "S" + person);
      }
      ids.put(random.nextBoolean() ? "email" : "deviceId", person + "-" + random.nextInt(3));
      if (random.nextBoolean()) {
        ids.put("phone", person + "-p");
      }
      links.add(ids);
    }
    Map<String, String> first = customers(links);
    for (int round = 0; round < 20; round++) {
      Collections.shuffle(links, random);
      assertThat(customers(links)).isEqualTo(first);
    }
  }

  @Test
  void strongTypesMustBeConfiguredTypes() {
    assertThatThrownBy(() -> new IdentifierTypes(List.of("email"), List.of("accountId")))
        .hasMessageContaining("'accountId' is not in the priority list");
  }

  private static Map<String, String> customers(List<Map<String, String>> links) {
    IdentityGraph g = new IdentityGraph(IdentifierTypes.defaults());
    links.forEach(g::link);
    Map<String, String> result = new java.util.TreeMap<>();
    for (Map<String, String> ids : links) {
      for (Map.Entry<String, String> e : ids.entrySet()) {
        Identifier id = new Identifier(e.getKey(), e.getValue());
        result.put(id.toString(), g.customerOf(id));
      }
    }
    assertThat(result.values()).doesNotContainNull();
    return result;
  }
}
