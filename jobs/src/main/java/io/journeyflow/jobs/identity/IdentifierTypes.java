package io.journeyflow.jobs.identity;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The configured identifier types: their order (which identifier names a customer) and their
 * strength (strong types may join two customers, weak ones only attach to one).
 */
public final class IdentifierTypes implements Serializable {

  private static final long serialVersionUID = 1L;

  public static final String CUSTOMER_ID = "customerId";

  private final List<String> order;
  private final Set<String> strong;

  /**
   * @param order every identifier type the job reads, best first; other types are ignored
   * @param strong the types that may join two customers; each must be in {@code order}
   */
  public IdentifierTypes(List<String> order, List<String> strong) {
    if (order.isEmpty()) {
      throw new IllegalArgumentException("identity priority list must not be empty");
    }
    if (Set.copyOf(order).size() != order.size()) {
      throw new IllegalArgumentException("identity priority list repeats a type: " + order);
    }
    for (String type : strong) {
      if (!order.contains(type)) {
        throw new IllegalArgumentException(
            "strong identifier type '" + type + "' is not in the priority list " + order);
      }
    }
    this.order = List.copyOf(order);
    this.strong = Set.copyOf(strong);
  }

  /** Customer ids are strong, accounts are strong, the rest is weak. */
  public static IdentifierTypes defaults() {
    return new IdentifierTypes(
        List.of(CUSTOMER_ID, "accountId", "email", "phone", "deviceId"),
        List.of(CUSTOMER_ID, "accountId"));
  }

  public boolean isStrong(String type) {
    return strong.contains(type);
  }

  /** Position in the priority list, or -1 for a type the job ignores. */
  public int rank(String type) {
    return order.indexOf(type);
  }

  public List<String> order() {
    return order;
  }

  /** The identifiers of an event that the job reads, best first; blank values are ignored. */
  public List<Identifier> of(Map<String, String> identities) {
    List<Identifier> ids = new ArrayList<>();
    for (String type : order) {
      String value = identities.get(type);
      if (value != null && !value.isBlank()) {
        ids.add(new Identifier(type, value));
      }
    }
    return ids;
  }

  /**
   * Best first: strong before weak, then the priority list, then the value. The canonical id of
   * a group of identifiers is its first one, a pure function of the group.
   */
  public Comparator<Identifier> preference() {
    return Comparator.comparing((Identifier id) -> !isStrong(id.type()))
        .thenComparingInt(id -> rank(id.type()))
        .thenComparing(Identifier::value);
  }

  /** One identifier: a type of the priority list and a value. */
  public record Identifier(String type, String value) implements Serializable {

    /**
     * As a customer key: a {@code customerId} as it is, any other type prefixed with its type
     * ({@code email:ann@example.com}) so that equal values of different types never collide.
     */
    public String key() {
      return CUSTOMER_ID.equals(type) ? value : type + ":" + value;
    }

    /** The inverse of {@link #toString()}: types never contain a colon, values may. */
    public static Identifier parse(String text) {
      int colon = text.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("not an identifier (type:value): " + text);
      }
      return new Identifier(text.substring(0, colon), text.substring(colon + 1));
    }

    /** As written in records: always {@code type:value}. */
    @Override
    public String toString() {
      return type + ":" + value;
    }
  }
}
