package io.journeyflow.schema.codec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Conversion;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.Encoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Writes Avro records in the binary encoding with a tree of writers built once per schema: the
 * same bytes as Avro's {@code SpecificDatumWriter}, without its per-value work.
 *
 * <p>Avro's datum writer decides at every value what to do: it looks up the logical-type
 * conversion of each field, resolves every union by the datum's schema name (hash-map look-ups
 * by name), and dispatches on the schema type. Our generated classes cannot use Avro's custom
 * coders (the compiler leaves them out for records with logical types, and every contract
 * record has timestamps), and encoding actions, decisions and events was a tenth of the busiest
 * tasks' time (docs/performance.md). This writer does those decisions once, when it is built;
 * unions of null and scalars are resolved by class, others as Avro does. {@code
 * CompiledWriterTest} checks the bytes against Avro's writer for records of every contract
 * schema.
 */
public final class CompiledWriter<T> {

  /** Writes one value of one schema. */
  private interface Node {
    void write(Object datum, Encoder out) throws IOException;
  }

  private final Node root;

  private CompiledWriter(Node root) {
    this.root = root;
  }

  /** A writer of a generated record class, with the conversions of its model. */
  public static <T extends SpecificRecord> CompiledWriter<T> of(Class<T> type) {
    SpecificData model = SpecificData.getForClass(type);
    return new CompiledWriter<>(new Builder(model).node(model.getSchema(type)));
  }

  /** A writer of {@code schema}'s values as {@code model} represents them. */
  public static CompiledWriter<Object> of(Schema schema, GenericData model) {
    return new CompiledWriter<>(new Builder(model).node(schema));
  }

  /** Writes {@code datum} to {@code out} (which the caller flushes). */
  public void write(T datum, Encoder out) throws IOException {
    root.write(datum, out);
  }

  /** Builds the nodes of a schema; named schemas once each, so recursive ones terminate. */
  private static final class Builder {
    private final GenericData model;
    private final Map<String, Node> named = new HashMap<>();

    Builder(GenericData model) {
      this.model = model;
    }

    Node node(Schema schema) {
      Node raw = rawNode(schema);
      LogicalType logical = schema.getLogicalType();
      Conversion<?> conversion = logical == null ? null : model.getConversionFor(logical);
      return conversion == null ? raw : converting(schema, logical, conversion, raw);
    }

    private Node rawNode(Schema schema) {
      switch (schema.getType()) {
        case RECORD:
          return record(schema);
        case UNION:
          return union(schema);
        case ARRAY:
          return array(schema);
        case MAP:
          return map(schema);
        case ENUM:
          return enumeration(schema);
        case FIXED:
          return (d, out) -> out.writeFixed(((GenericFixed) required(d, schema)).bytes());
        case STRING:
          return (d, out) -> out.writeString(string(required(d, schema)));
        case BYTES:
          return (d, out) -> out.writeBytes((ByteBuffer) required(d, schema));
        case INT:
          return (d, out) -> out.writeInt(((Number) required(d, schema)).intValue());
        case LONG:
          return (d, out) -> out.writeLong(((Number) required(d, schema)).longValue());
        case FLOAT:
          return (d, out) -> out.writeFloat(((Number) required(d, schema)).floatValue());
        case DOUBLE:
          return (d, out) -> out.writeDouble(((Number) required(d, schema)).doubleValue());
        case BOOLEAN:
          return (d, out) -> out.writeBoolean((Boolean) required(d, schema));
        case NULL:
          return (d, out) -> out.writeNull();
        default:
          throw new IllegalArgumentException("unknown schema type " + schema.getType());
      }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Node converting(Schema schema, LogicalType logical, Conversion conversion,
        Node raw) {
      Class<?> converted = conversion.getConvertedType();
      return (d, out) -> raw.write(d != null && converted.isInstance(d)
          ? Conversions.convertToRawType(d, schema, logical, conversion)
          : d, out);
    }

    private Node record(Schema schema) {
      Node known = named.get(schema.getFullName());
      if (known != null) {
        return known;
      }
      Node[] fields = new Node[schema.getFields().size()];
      // Registered before its fields are built: a field of this record's own type refers back.
      Node self = (d, out) -> {
        IndexedRecord r = (IndexedRecord) required(d, schema);
        int i = 0;
        try {
          for (; i < fields.length; i++) {
            fields[i].write(r.get(i), out);
          }
        } catch (NullPointerException e) {
          throw inField(e, schema, i);
        }
      };
      named.put(schema.getFullName(), self);
      for (Schema.Field f : schema.getFields()) {
        fields[f.pos()] = node(f.schema());
      }
      return self;
    }

    /** Names the field in the error a missing required value raises, as Avro's writer does. */
    private static NullPointerException inField(NullPointerException e, Schema record, int i) {
      NullPointerException named = new NullPointerException(e.getMessage() + " in field "
          + record.getFields().get(i).name() + " of " + record.getFullName());
      named.initCause(e);
      return named;
    }

    private Node enumeration(Schema schema) {
      return (d, out) -> {
        Object v = required(d, schema);
        out.writeEnum(v instanceof Enum<?> e ? e.ordinal() : schema.getEnumOrdinal(v.toString()));
      };
    }

    private Node array(Schema schema) {
      Node element = node(schema.getElementType());
      return (d, out) -> {
        Collection<?> items = (Collection<?>) required(d, schema);
        out.writeArrayStart();
        out.setItemCount(items.size());
        if (items instanceof List<?> list && list instanceof java.util.RandomAccess) {
          for (int i = 0; i < list.size(); i++) {
            out.startItem();
            element.write(list.get(i), out);
          }
        } else {
          for (Object item : items) {
            out.startItem();
            element.write(item, out);
          }
        }
        out.writeArrayEnd();
      };
    }

    private Node map(Schema schema) {
      Node value = node(schema.getValueType());
      return (d, out) -> {
        Map<?, ?> map = (Map<?, ?>) required(d, schema);
        out.writeMapStart();
        out.setItemCount(map.size());
        for (Map.Entry<?, ?> e : map.entrySet()) {
          out.startItem();
          out.writeString(e.getKey().toString());
          value.write(e.getValue(), out);
        }
        out.writeMapEnd();
      };
    }

    /**
     * Branches of null and of scalars without a logical type are chosen by the value's class;
     * any other value goes to Avro's own resolution, so the index is always Avro's.
     */
    private Node union(Schema schema) {
      List<Schema> branches = schema.getTypes();
      Node[] nodes = new Node[branches.size()];
      int nulls = -1;
      List<Class<?>> scalars = new ArrayList<>();
      List<Integer> scalarIndexes = new ArrayList<>();
      for (int i = 0; i < branches.size(); i++) {
        Schema b = branches.get(i);
        nodes[i] = node(b);
        Class<?> scalar = b.getLogicalType() == null ? scalarClass(b.getType()) : null;
        if (b.getType() == Schema.Type.NULL) {
          nulls = i;
        } else if (scalar != null) {
          scalars.add(scalar);
          scalarIndexes.add(i);
        }
      }
      int nullIndex = nulls;
      // [null, X]: a value that is not null can only be an X (else Avro's writer fails too).
      int onlyOther = branches.size() == 2 && nulls >= 0 ? 1 - nulls : -1;
      Class<?>[] classes = scalars.toArray(new Class<?>[0]);
      int[] indexes = scalarIndexes.stream().mapToInt(Integer::intValue).toArray();
      return (d, out) -> {
        int index = d == null ? nullIndex : onlyOther;
        for (int k = 0; index < 0 && d != null && k < classes.length; k++) {
          if (classes[k].isInstance(d)) {
            index = indexes[k];
          }
        }
        if (index < 0) {
          index = model.resolveUnion(schema, d);
        }
        out.writeIndex(index);
        nodes[index].write(d, out);
      };
    }

    private static Class<?> scalarClass(Schema.Type type) {
      switch (type) {
        case STRING:
          return CharSequence.class;
        case BOOLEAN:
          return Boolean.class;
        case INT:
          return Integer.class;
        case LONG:
          return Long.class;
        case FLOAT:
          return Float.class;
        case DOUBLE:
          return Double.class;
        case BYTES:
          return ByteBuffer.class;
        default:
          return null;
      }
    }
  }

  private static Object required(Object datum, Schema schema) {
    if (datum == null) {
      throw new NullPointerException("null value for (non-nullable) " + schema.getType());
    }
    return datum;
  }

  private static CharSequence string(Object datum) {
    return datum instanceof CharSequence s ? s : datum.toString();
  }
}
