package dev.sluice.connectors.steps;

import static java.util.Objects.requireNonNull;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.CelType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.extensions.CelExtensions;
import dev.cel.extensions.CelStringExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelUnknownSet;
import dev.cel.runtime.CelVariableResolver;
import dev.sluice.core.window.IdWindow;
import dev.sluice.core.window.SnapshotWindow;
import dev.sluice.core.window.TimeWindow;
import dev.sluice.core.window.Window;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An expression of a pipeline file in CEL (the Common Expression Language), compiled once when the
 * pipeline is loaded and evaluated for each record.
 *
 * <p>Names: a record's top-level fields are identifiers ({@code amount}, {@code meta.lot});
 * {@code record} is the whole record as a map (for names that are not identifiers, such as
 * {@code record['Lot Number']}, and for {@code has(record.x)}); {@code window.start} and
 * {@code window.end} are the window's bounds (timestamps, or ints for id windows).
 *
 * <p>Safety: CEL has no loops, no recursion, no I/O and no access to Java objects; only the functions
 * declared here exist, so a call such as {@code ''.getClass()} does not type-check. What remains is
 * bounded: {@value #MAX_LENGTH} characters of expression, {@value #MAX_ITERATIONS} iterations of the
 * macros ({@code all}, {@code exists}, {@code exists_one}, {@code map}, {@code filter}) per evaluation,
 * regular expressions in RE2 (linear time), and no function whose output can grow faster than its
 * input ({@code join}, {@code format} and {@code quote} are left out; {@code replace} stops at
 * {@value #MAX_TEXT} characters).
 */
final class Expression {
    static final int MAX_LENGTH = 4_000;
    static final int MAX_ITERATIONS = 10_000;
    static final int MAX_TEXT = 1_000_000;
    static final Set<String> RESERVED = Set.of("record", "window");

    private static final CelOptions OPTIONS = CelOptions.current()
            .comprehensionMaxIterations(MAX_ITERATIONS)
            .maxExpressionCodePointSize(MAX_LENGTH)
            .maxParseRecursionDepth(64)
            .maxRegexProgramSize(1_000)
            .enableHeterogeneousNumericComparisons(true)
            .enableTimestampEpoch(false)
            .build();

    private static final String[][] OPERATORS = {{"_+_", "add"}, {"_-_", "subtract"}, {"_*_", "multiply"}, {"_/_", "divide"}};

    /** The string functions of the strings extension whose output is never longer than their input. */
    private static final CelStringExtensions.Function[] SAFE_STRINGS = {
        CelStringExtensions.Function.CHAR_AT, CelStringExtensions.Function.INDEX_OF, CelStringExtensions.Function.LAST_INDEX_OF,
        CelStringExtensions.Function.LOWER_ASCII, CelStringExtensions.Function.UPPER_ASCII, CelStringExtensions.Function.SUBSTRING,
        CelStringExtensions.Function.TRIM, CelStringExtensions.Function.SPLIT, CelStringExtensions.Function.REVERSE,
    };

    private static final Cel BASE = CelFactory.standardCelBuilder()
            .setOptions(OPTIONS)
            .setStandardMacros(CelStandardMacro.HAS, CelStandardMacro.ALL, CelStandardMacro.EXISTS, CelStandardMacro.EXISTS_ONE,
                    CelStandardMacro.MAP, CelStandardMacro.MAP_FILTER, CelStandardMacro.FILTER)
            .addCompilerLibraries(CelExtensions.strings(SAFE_STRINGS))
            .addRuntimeLibraries(CelExtensions.strings(SAFE_STRINGS))
            .addFunctionDeclarations(mixedArithmetic())
            .addFunctionDeclarations(CelFunctionDecl.newFunctionDeclaration("replace",
                    CelOverloadDecl.newMemberOverload("sluice_string_replace", SimpleType.STRING, SimpleType.STRING, SimpleType.STRING, SimpleType.STRING)))
            .addFunctionBindings(mixedArithmeticBindings())
            .addFunctionBindings(CelFunctionBinding.from("sluice_string_replace", List.of(String.class, String.class, String.class),
                    args -> replace((String) args[0], (String) args[1], (String) args[2])))
            .addVar("record", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar("window", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .build();

    /** What an expression must give. */
    enum Result { ANY, BOOL }

    private final String text;
    private final CelRuntime.Program program;
    private final Set<String> fields;

    private Expression(String text, CelRuntime.Program program, Set<String> fields) {
        this.text = text;
        this.program = program;
        this.fields = Set.copyOf(fields);
    }

    String text() {
        return text;
    }

    /** The record fields the expression names as identifiers. */
    Set<String> fields() {
        return fields;
    }

    /**
     * Compiles {@code text}: parses it, declares each identifier it names as a record field, and
     * type-checks it. Every problem goes to {@code problems}, with CEL's message and the column.
     */
    static Optional<Expression> compile(String text, Result wanted, Consumer<String> problems) {
        requireNonNull(text, "text is null");
        if (text.isBlank()) {
            problems.accept("the expression is empty; write one such as amount * 1.2 or status == 'done'");
            return Optional.empty();
        }
        if (text.codePointCount(0, text.length()) > MAX_LENGTH) {
            problems.accept("the expression is longer than " + MAX_LENGTH + " characters; split it over several compute fields or steps");
            return Optional.empty();
        }
        CelValidationResult parsed = BASE.parse(text);
        if (parsed.hasError()) {
            problems.accept("the expression does not parse: " + issues(parsed));
            return Optional.empty();
        }
        CelAbstractSyntaxTree ast;
        try {
            ast = parsed.getAst();
        } catch (CelValidationException e) {
            problems.accept("the expression does not parse: " + e.getMessage());
            return Optional.empty();
        }
        Set<String> fields = freeIdentifiers(ast.getExpr());
        var builder = BASE.toCelBuilder();
        for (String f : fields)
            builder.addVar(f, SimpleType.DYN);
        Cel cel = builder.build();
        CelValidationResult checked = cel.check(ast);
        if (checked.hasError()) {
            problems.accept("the expression is not valid: " + issues(checked));
            return Optional.empty();
        }
        try {
            CelAbstractSyntaxTree typed = checked.getAst();
            CelType type = typed.getResultType();
            if (wanted == Result.BOOL && type.kind() != CelKind.BOOL && type.kind() != CelKind.DYN) {
                problems.accept("the expression gives a " + type.name() + ", but a condition must give true or false, e.g. status == 'done'");
                return Optional.empty();
            }
            return Optional.of(new Expression(text, cel.createProgram(typed), fields));
        } catch (CelValidationException | CelEvaluationException e) {
            problems.accept("the expression is not valid: " + e.getMessage());
            return Optional.empty();
        }
    }

    /** Why an evaluation failed, in words that name the field and say what to do. */
    static final class Failure extends Exception {
        Failure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Evaluates against {@code record} in {@code window}; values convert through {@code json}. */
    Object evaluate(ObjectNode record, Window window, CelJson json) throws Failure {
        var missing = new LinkedHashSet<String>();
        Object[] whole = {null};
        CelVariableResolver resolver = name -> {
            if (name.equals("record")) {
                if (whole[0] == null)
                    whole[0] = json.toCel(record);
                return Optional.of(whole[0]);
            }
            if (name.equals("window"))
                return Optional.of(window(window));
            JsonNode v = record.get(name);
            if (v == null) {
                missing.add(name);
                return Optional.empty();
            }
            return Optional.of(json.toCel(v));
        };
        Object result;
        try {
            result = program.eval(resolver);
        } catch (CelEvaluationException e) {
            throw new Failure(explain(e, missing), e);
        } catch (TextTooLong e) {
            throw new Failure(e.getMessage(), e);
        }
        if (result instanceof CelUnknownSet)
            throw new Failure(missingMessage(missing), null);
        return result;
    }

    /** Evaluates a condition: true, false, or a failure when the result is not a bool. */
    boolean test(ObjectNode record, Window window) throws Failure {
        Object v = evaluate(record, window, new CelJson());
        if (v instanceof Boolean b)
            return b;
        throw new Failure("the condition gave " + (v == null ? "null" : v.getClass().getSimpleName() + " " + v)
                + " instead of true or false; compare the field, e.g. x == 'done', or test it with has(record.x)", null);
    }

    private static String missingMessage(Set<String> missing) {
        String names = missing.stream().map(n -> "'" + n + "'").collect(Collectors.joining(", "));
        String first = missing.isEmpty() ? "x" : missing.iterator().next();
        return "the record has no field " + (names.isEmpty() ? "the expression needs" : names) + "; if it is optional, test it first: has(record."
                + first + ") ? " + first + " : null";
    }

    private static String explain(CelEvaluationException e, Set<String> missing) {
        for (Throwable c = e.getCause(); c != null; c = c.getCause())
            if (c instanceof TextTooLong t)
                return t.getMessage();
        String message = e.getMessage() == null ? e.toString() : e.getMessage().replaceFirst("^evaluation error at <input>:\\d+: ", "");
        if (message.length() > 300) // CEL quotes the arguments, which may be whole fields
            message = message.substring(0, 300) + "...";
        if (!missing.isEmpty())
            return missingMessage(missing) + " (" + message + ")";
        return switch (e.getErrorCode()) {
            case ATTRIBUTE_NOT_FOUND -> message + "; if the field is optional, test it first with has(record.FIELD)";
            case OVERLOAD_NOT_FOUND -> message + "; a field has another type than the expression expects, or is null: convert it with "
                    + "int(), double() or string(), or test it first (x != null)";
            case ITERATION_BUDGET_EXCEEDED -> "the expression took more than " + MAX_ITERATIONS + " iterations of all/exists/map/filter "
                    + "for one record (" + message + "); work on fewer items";
            default -> message;
        };
    }

    private static Map<String, Object> window(Window w) {
        return switch (w) {
            case TimeWindow t -> Map.of("start", t.start(), "end", t.end());
            case IdWindow i -> Map.of("start", i.start(), "end", i.end());
            case SnapshotWindow s -> Map.of("start", s.takenAt(), "end", s.takenAt());
        };
    }

    private static String issues(CelValidationResult r) {
        var out = new ArrayList<String>();
        for (CelIssue i : r.getErrors()) {
            int column = i.getSourceLocation().getColumn();
            out.add((column >= 0 ? "at character " + (column + 1) + ": " : "") + i.getMessage().replace(" (in container '')", ""));
        }
        return String.join("; ", out);
    }

    /**
     * The identifiers that are not bound by a macro: these name record fields. {@code record} and
     * {@code window} are declared for every expression.
     */
    static Set<String> freeIdentifiers(CelExpr root) {
        var out = new LinkedHashSet<String>();
        Deque<Set<String>> scopes = new ArrayDeque<>();
        collect(root, scopes, out);
        out.removeAll(RESERVED);
        return out;
    }

    private static void collect(CelExpr e, Deque<Set<String>> scopes, Set<String> out) {
        switch (e.getKind()) {
            case IDENT -> {
                String name = e.ident().name();
                if (scopes.stream().noneMatch(s -> s.contains(name)))
                    out.add(name);
            }
            case SELECT -> collect(e.select().operand(), scopes, out);
            case CALL -> {
                e.call().target().ifPresent(t -> collect(t, scopes, out));
                e.call().args().forEach(a -> collect(a, scopes, out));
            }
            case LIST -> e.list().elements().forEach(x -> collect(x, scopes, out));
            case MAP -> e.map().entries().forEach(x -> {
                collect(x.key(), scopes, out);
                collect(x.value(), scopes, out);
            });
            case STRUCT -> e.struct().entries().forEach(x -> collect(x.value(), scopes, out));
            case COMPREHENSION -> {
                var c = e.comprehension();
                collect(c.iterRange(), scopes, out);
                collect(c.accuInit(), scopes, out);
                var bound = new HashSet<String>();
                bound.add(c.iterVar());
                if (!c.iterVar2().isEmpty())
                    bound.add(c.iterVar2());
                bound.add(c.accuVar());
                scopes.push(bound);
                collect(c.loopCondition(), scopes, out);
                collect(c.loopStep(), scopes, out);
                collect(c.result(), scopes, out);
                scopes.pop();
            }
            default -> {
                // constants name nothing
            }
        }
    }

    /** Raised by replace() when its result would pass {@link #MAX_TEXT} characters. */
    static final class TextTooLong extends RuntimeException {
        TextTooLong(String message) {
            super(message);
        }
    }

    private static String replace(String text, String target, String replacement) {
        if (target.isEmpty())
            return text; // replacing the empty text would put the replacement between every character
        long count = 0;
        for (int at = text.indexOf(target); at >= 0; at = text.indexOf(target, at + target.length()))
            count++;
        long length = text.length() + count * ((long) replacement.length() - target.length());
        if (length > MAX_TEXT)
            throw new TextTooLong("replace() would make a text of " + length + " characters; the limit is " + MAX_TEXT);
        return text.replace(target, replacement);
    }

    /** int with double (and double with int) for + - * /: JSON does not say whether 10 is an int or a double. */
    private static List<CelFunctionDecl> mixedArithmetic() {
        var out = new ArrayList<CelFunctionDecl>();
        for (String[] op : OPERATORS)
            out.add(CelFunctionDecl.newFunctionDeclaration(op[0],
                    CelOverloadDecl.newGlobalOverload("sluice_" + op[1] + "_int64_double", SimpleType.DOUBLE, SimpleType.INT, SimpleType.DOUBLE),
                    CelOverloadDecl.newGlobalOverload("sluice_" + op[1] + "_double_int64", SimpleType.DOUBLE, SimpleType.DOUBLE, SimpleType.INT)));
        return out;
    }

    private static List<CelFunctionBinding> mixedArithmeticBindings() {
        var out = new ArrayList<CelFunctionBinding>();
        for (String[] op : OPERATORS) {
            out.add(CelFunctionBinding.from("sluice_" + op[1] + "_int64_double", Long.class, Double.class, (a, b) -> arithmetic(op[1], a, b)));
            out.add(CelFunctionBinding.from("sluice_" + op[1] + "_double_int64", Double.class, Long.class, (a, b) -> arithmetic(op[1], a, b)));
        }
        return out;
    }

    private static double arithmetic(String op, double a, double b) {
        return switch (op) {
            case "add" -> a + b;
            case "subtract" -> a - b;
            case "multiply" -> a * b;
            default -> a / b;
        };
    }

    @Override
    public String toString() {
        return text;
    }
}
