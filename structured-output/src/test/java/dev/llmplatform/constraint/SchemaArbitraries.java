package dev.llmplatform.constraint;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;

/** Random JSON schemas inside what the compiler supports, nested a few levels. */
final class SchemaArbitraries {

    private static final JsonNodeFactory F = JsonMapper.builder().build().getNodeFactory();
    private static final List<String> NAMES = List.of("name", "age", "ok", "名前", "é", "a\"b", "tags", "x", "when", "id");
    private static final List<String> PATTERNS = List.of("^[a-z]{2,5}$", "[0-9]+-[A-Z]", "(ab|cd)*e", "^\\d{3}\\.\\w?$",
            "[^,]{1,4}", "é+名?");
    private static final List<String> FORMATS = List.of("date", "time", "date-time", "uuid", "email", "ipv4");

    private SchemaArbitraries() {
    }

    static Arbitrary<JsonNode> schemas() {
        return schema(3);
    }

    private static Arbitrary<JsonNode> schema(int depth) {
        if (depth == 0) {
            return leaf();
        }
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, leaf()),
                net.jqwik.api.Tuple.of(3, object(depth)),
                net.jqwik.api.Tuple.of(2, array(depth)),
                net.jqwik.api.Tuple.of(1, anyOf(depth)));
    }

    private static Arbitrary<JsonNode> leaf() {
        return Arbitraries.oneOf(string(), integer(), number(), simple("boolean"), simple("null"), enumeration(),
                Arbitraries.of("\"x\"", "12", "null", "{\"a\":[1,\"é\"]}").map(c -> node().set("const", parse(c))),
                Arbitraries.just(node().set("type", F.arrayNode().add("string").add("null"))),
                Arbitraries.just(node()));
    }

    private static Arbitrary<JsonNode> simple(String type) {
        return Arbitraries.just(node().put("type", type));
    }

    private static Arbitrary<JsonNode> string() {
        Arbitrary<JsonNode> lengths = Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 6))
                .as((min, extra) -> node().put("type", "string").put("minLength", min).put("maxLength", min + extra));
        return Arbitraries.oneOf(simple("string"), lengths,
                Arbitraries.of(PATTERNS).map(p -> node().put("type", "string").put("pattern", p)),
                Arbitraries.of(FORMATS).map(f -> node().put("type", "string").put("format", f)));
    }

    private static Arbitrary<JsonNode> integer() {
        return Combinators.combine(Arbitraries.longs().between(-2000, 2000), Arbitraries.longs().between(0, 5000),
                Arbitraries.integers().between(0, 3)).as((lo, width, which) -> {
            ObjectNode n = node().put("type", "integer");
            if (which == 1 || which == 3) {
                n.put("minimum", lo);
            }
            if (which == 2 || which == 3) {
                n.put("maximum", lo + width);
            }
            return n;
        });
    }

    private static Arbitrary<JsonNode> number() {
        return Arbitraries.oneOf(simple("number"), Arbitraries.doubles().between(-50, 50)
                .map(lo -> node().put("type", "number").put("exclusiveMinimum", lo).put("maximum", lo + 20.5)));
    }

    private static Arbitrary<JsonNode> enumeration() {
        return Arbitraries.of("\"red\"", "\"名前\"", "3", "true", "null", "[1,2]", "\"a\\\"q\"").list().ofMinSize(1).ofMaxSize(4)
                .uniqueElements().map(values -> {
                    ArrayNode arr = F.arrayNode();
                    values.forEach(v -> arr.add(parse(v)));
                    return node().set("enum", arr);
                });
    }

    private static Arbitrary<JsonNode> object(int depth) {
        return Combinators.combine(Arbitraries.of(NAMES).list().ofMinSize(0).ofMaxSize(4).uniqueElements(),
                schema(depth - 1).list().ofSize(4), Arbitraries.integers().between(0, 15), Arbitraries.integers().between(0, 2))
                .as((names, values, requiredBits, additional) -> {
                    ObjectNode props = F.objectNode();
                    ArrayNode required = F.arrayNode();
                    for (int i = 0; i < names.size(); i++) {
                        props.set(names.get(i), values.get(i));
                        if ((requiredBits >> i & 1) == 1) {
                            required.add(names.get(i));
                        }
                    }
                    ObjectNode n = node().put("type", "object");
                    n.set("properties", props);
                    n.set("required", required);
                    if (additional == 1) {
                        n.put("additionalProperties", false);
                    }
                    return n;
                });
    }

    private static Arbitrary<JsonNode> array(int depth) {
        return Combinators.combine(schema(depth - 1), Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 3))
                .as((items, min, extra) -> {
                    ObjectNode n = node().put("type", "array").put("minItems", min).put("maxItems", min + extra);
                    n.set("items", items);
                    return n;
                });
    }

    private static Arbitrary<JsonNode> anyOf(int depth) {
        return Combinators.combine(schema(depth - 1), schema(depth - 1), Arbitraries.of("anyOf", "oneOf"))
                .as((a, b, key) -> {
                    ArrayNode options = F.arrayNode();
                    if (key.equals("oneOf")) {   // disjoint branches, so one-of holds
                        options.add(node().put("type", "null"));
                        options.add(node().put("type", "string").put("maxLength", 3));
                    } else {
                        options.add(a);
                        options.add(b);
                    }
                    return node().set(key, options);
                });
    }

    private static ObjectNode node() {
        return F.objectNode();
    }

    private static JsonNode parse(String json) {
        return JsonMapper.builder().build().readTree(json);
    }
}
