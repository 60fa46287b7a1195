package io.journeyflow.patterns.cel;

import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.ast.CelReference;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.MapType;
import dev.cel.common.types.NullableType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerBuilder;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * CEL for rule conditions: events are a typed struct, so a misspelt field or a string compared
 * with a number is a load-time error, not a silent false at run time.
 */
public final class CelEnvironment {

  /** Fields of an event in CEL, with their types. */
  public static final Map<String, CelType> EVENT_FIELDS = eventFields();

  /** The CEL type of an event value (a struct, so field names and types are checked). */
  static final StructType EVENT =
      StructType.create(
          "journeyflow.Event",
          ImmutableSet.copyOf(EVENT_FIELDS.keySet()),
          name -> Optional.ofNullable(EVENT_FIELDS.get(name)));

  // Attributes hold longs and doubles side by side: `amount > 10` must work for both.
  static final CelOptions OPTIONS =
      CelOptions.current().enableHeterogeneousNumericComparisons(true).build();

  private static final CelRuntime RUNTIME =
      CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS).build();

  private CelEnvironment() {}

  private static Map<String, CelType> eventFields() {
    Map<String, CelType> f = new LinkedHashMap<>();
    f.put("eventId", SimpleType.STRING);
    f.put("eventType", SimpleType.STRING);
    f.put("source", SimpleType.STRING);
    // Nullable, as in the event schema: `event.channel == null` type-checks.
    f.put("channel", NullableType.create(SimpleType.STRING));
    f.put("entityId", NullableType.create(SimpleType.STRING));
    f.put("occurredAt", SimpleType.TIMESTAMP);
    f.put("identities", MapType.create(SimpleType.STRING, SimpleType.STRING));
    f.put("attributes", MapType.create(SimpleType.STRING, SimpleType.DYN));
    return Collections.unmodifiableMap(f);
  }

  /** Type-checks a bool expression over event variables; returns the checked AST. */
  public static CelAbstractSyntaxTree check(String expression, List<String> eventVariables)
      throws CelValidationException {
    CelCompilerBuilder builder =
        CelCompilerFactory.standardCelCompilerBuilder()
            .setOptions(OPTIONS)
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .setTypeProvider(new EventTypes())
            .setResultType(SimpleType.BOOL);
    for (String variable : eventVariables) {
      builder.addVar(variable, EVENT);
    }
    CelCompiler compiler = builder.build();
    return compiler.compile(expression).getAst();
  }

  /** The variables among {@code candidates} that a checked expression refers to. */
  static Set<String> referenced(CelAbstractSyntaxTree ast, List<String> candidates) {
    Set<String> out = new LinkedHashSet<>();
    for (CelReference ref : ast.getReferenceMap().values()) {
      // Function references carry overload ids; identifiers carry just their name.
      if (ref.overloadIds().isEmpty() && candidates.contains(ref.name())) {
        out.add(ref.name());
      }
    }
    return out;
  }

  static CelRuntime.Program program(CelAbstractSyntaxTree ast) throws Exception {
    return RUNTIME.createProgram(ast);
  }

  /** Resolves the event struct type for the checker. */
  private static final class EventTypes implements CelTypeProvider {
    @Override
    public ImmutableCollection<CelType> types() {
      return ImmutableList.of(EVENT);
    }

    @Override
    public Optional<CelType> findType(String typeName) {
      return EVENT.name().equals(typeName) ? Optional.of(EVENT) : Optional.empty();
    }
  }
}
