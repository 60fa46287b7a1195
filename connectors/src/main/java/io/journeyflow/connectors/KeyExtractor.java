package io.journeyflow.connectors;

import java.io.Serializable;

/** The Kafka record key of an output record (null for none). */
@FunctionalInterface
public interface KeyExtractor<T> extends Serializable {
  String key(T record);
}
