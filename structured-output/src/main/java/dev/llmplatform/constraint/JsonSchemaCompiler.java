package dev.llmplatform.constraint;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A JSON schema as the {@link Regex} of its compact serialisations (as Outlines does), so that every output
 * that matches validates against the schema. What is generated:
 * <ul>
 *   <li>{@code type} (one or a list), {@code enum}, {@code const}, {@code anyOf}, {@code oneOf} (as
 *       {@code anyOf}: branches that overlap can give an output valid for two), a one-element {@code allOf},
 *       boolean schemas, {@code $ref} to {@code #}, {@code #/$defs/…} and {@code #/definitions/…};</li>
 *   <li>objects: {@code properties} in their declared order, {@code required} always, optional ones may be
 *       left out. {@code additionalProperties} absent, true or false: only the declared properties (the
 *       strict mode of OpenAI, vLLM's xgrammar); an object with no {@code properties} and
 *       {@code additionalProperties} absent or true is any object; a schema there, any keys with such values;</li>
 *   <li>arrays: {@code items}, {@code minItems}, {@code maxItems};</li>
 *   <li>strings: {@code minLength}, {@code maxLength} (a larger maximum than {@link RegexParser#MAX_COUNT}
 *       generates at most that many), {@code pattern} (matched by the whole string, with characters that
 *       need no escaping), {@code format} date, time, date-time, uuid, email, ipv4 (others are annotations);</li>
 *   <li>integers: {@code minimum}, {@code maximum}, {@code exclusiveMinimum}, {@code exclusiveMaximum};
 *       numbers with any of those bounds are generated as integers inside them.</li>
 * </ul>
 * A recursive {@code $ref} expands at most {@link #RECURSION} times inside itself; past that its branch is
 * dropped (an optional property left out, an array left empty, another {@code anyOf} branch taken), and a
 * schema with no finite output is refused. Other assertion keywords ({@code not}, {@code if}, {@code
 * patternProperties}, {@code uniqueItems}, {@code multipleOf}, …) are refused with the keyword's name.
 */
public final class JsonSchemaCompiler {

    /** How many times a {@code $ref} may expand inside its own expansion. */
    public static final int RECURSION = 3;

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Set<String> UNSUPPORTED = Set.of("not", "if", "then", "else", "patternProperties",
            "propertyNames", "dependentRequired", "dependentSchemas", "dependencies", "unevaluatedProperties",
            "unevaluatedItems", "prefixItems", "contains", "minContains", "maxContains", "uniqueItems", "multipleOf",
            "minProperties", "maxProperties", "$dynamicRef", "$recursiveRef", "additionalItems", "contentSchema");
    /** Keywords this compiler asserts; beside {@code $ref}, {@code anyOf}, … only annotations may stand. */
    private static final Set<String> ASSERTIONS = Set.of("type", "properties", "required", "additionalProperties",
            "items", "minItems", "maxItems", "minLength", "maxLength", "pattern", "format", "minimum", "maximum",
            "exclusiveMinimum", "exclusiveMaximum", "enum", "const", "anyOf", "oneOf", "allOf", "$ref");
    private static final List<String> TYPES = List.of("object", "array", "string", "integer", "number", "boolean", "null");

    private final JsonNode root;
    private final Map<String, Integer> expanding = new HashMap<>();
    private int refsWithoutProgress;

    private JsonSchemaCompiler(JsonNode root) {
        this.root = root;
    }

    /** Parses and compiles a schema given as JSON text. */
    public static Regex compile(String schemaJson) {
        JsonNode schema;
        try {
            schema = JSON.readTree(schemaJson);
        } catch (JacksonException e) {
            throw new ConstraintException("the JSON schema is not valid JSON: " + e.getOriginalMessage());
        }
        return compile(schema);
    }

    public static Regex compile(JsonNode schema) {
        if (!schema.isObject() && !schema.isBoolean()) {
            throw new ConstraintException("a JSON schema must be an object or a boolean");
        }
        Regex r = new JsonSchemaCompiler(schema).schema(schema);
        if (r == null) {
            throw new ConstraintException("the JSON schema admits no value within the recursion bound of " + RECURSION);
        }
        return r;
    }

    /** The regex of a (sub)schema, or null when no value fits it (within the recursion bound). */
    private Regex schema(JsonNode s) {
        if (s.isBoolean()) {
            return s.booleanValue() ? JsonGrammar.anyValue(JsonGrammar.ANY_DEPTH) : null;
        }
        if (!s.isObject()) {
            throw new ConstraintException("a subschema must be an object or a boolean, got " + s);
        }
        for (String name : s.propertyNames()) {
            if (UNSUPPORTED.contains(name)) {
                throw new ConstraintException("JSON schema keyword '" + name + "' is not supported");
            }
        }
        if (s.has("$ref")) {
            alone(s, "$ref");
            return ref(s.get("$ref").asString());
        }
        if (s.has("const") || s.has("enum")) {
            String key = s.has("const") ? "const" : "enum";
            alone(s, key, "type");
            List<String> types = s.has("type") ? types(s) : TYPES;
            List<Regex> options = new ArrayList<>();
            List<JsonNode> values = new ArrayList<>();
            if (key.equals("const")) {
                values.add(s.get("const"));
            } else {
                s.get("enum").forEach(values::add);
            }
            for (JsonNode v : values) {
                if (types.contains(typeOf(v)) || typeOf(v).equals("integer") && types.contains("number")) {
                    options.add(JsonGrammar.literal(JSON.writeValueAsString(v)));
                }
            }
            return alt(options);
        }
        if (s.has("allOf")) {
            if (s.get("allOf").size() != 1 || s.size() != 1) {
                throw new ConstraintException("JSON schema keyword 'allOf' is supported with one subschema and nothing beside it");
            }
            return schema(s.get("allOf").get(0));
        }
        for (String key : List.of("anyOf", "oneOf")) {
            if (s.has(key)) {
                alone(s, key);
                List<Regex> options = new ArrayList<>();
                for (JsonNode option : s.get(key)) {
                    Regex r = schema(option);
                    if (r != null) {
                        options.add(r);
                    }
                }
                return alt(options);
            }
        }
        List<String> types = types(s);
        List<Regex> options = new ArrayList<>();
        for (String type : types) {
            Regex r = typed(type, s);
            if (r != null) {
                options.add(r);
            }
        }
        return alt(options);
    }

    /** Refuses assertion keywords beside {@code keyword} (other than {@code allowed}): they would be ignored. */
    private static void alone(JsonNode s, String keyword, String... allowed) {
        for (String name : s.propertyNames()) {
            if (!name.equals(keyword) && ASSERTIONS.contains(name) && !List.of(allowed).contains(name)) {
                throw new ConstraintException("JSON schema keyword '" + name + "' beside '" + keyword + "' is not supported");
            }
        }
    }

    private static String typeOf(JsonNode v) {
        return v.isIntegralNumber() ? "integer" : v.isNumber() ? "number" : v.isString() ? "string" : v.isBoolean() ? "boolean" : v.isNull() ? "null"
                : v.isArray() ? "array" : "object";
    }

    private List<String> types(JsonNode s) {
        JsonNode type = s.get("type");
        if (type == null) {
            if (s.has("properties") || s.has("additionalProperties") || s.has("required")) {
                return List.of("object");
            }
            if (s.has("items") || s.has("minItems") || s.has("maxItems")) {
                return List.of("array");
            }
            if (s.has("pattern") || s.has("minLength") || s.has("maxLength") || s.has("format")) {
                return List.of("string");
            }
            return TYPES;
        }
        List<String> types = new ArrayList<>();
        if (type.isString()) {
            types.add(type.asString());
        } else {
            type.forEach(t -> types.add(t.asString()));
        }
        for (String t : types) {
            if (!TYPES.contains(t)) {
                throw new ConstraintException("unknown JSON schema type '" + t + "'");
            }
        }
        return types;
    }

    private Regex typed(String type, JsonNode s) {
        return switch (type) {
            case "object" -> object(s);
            case "array" -> array(s);
            case "string" -> JsonStrings.of(s);
            case "integer" -> bounded(s, false);
            case "number" -> bounded(s, true);
            case "boolean" -> JsonGrammar.BOOLEAN;
            case "null" -> JsonGrammar.NULL;
            default -> throw new IllegalStateException(type);
        };
    }

    private Regex object(JsonNode s) {
        JsonNode props = s.get("properties");
        JsonNode additional = s.get("additionalProperties");
        Set<String> required = new LinkedHashSet<>();
        if (s.has("required")) {
            s.get("required").forEach(r -> required.add(r.asString()));
        }
        if ((props == null || props.isEmpty()) && required.isEmpty()) {
            if (additional == null || additional.isBoolean() && additional.booleanValue()) {
                return JsonGrammar.anyObject(JsonGrammar.ANY_DEPTH);
            }
            if (additional.isBoolean()) {
                return JsonGrammar.literal("{}");
            }
            Regex value = nested(additional);
            return value == null ? JsonGrammar.literal("{}") : JsonGrammar.objectOf(value);
        }
        Map<String, JsonNode> declared = new LinkedHashMap<>();
        if (props != null) {
            props.properties().forEach(e -> declared.put(e.getKey(), e.getValue()));
        }
        required.forEach(r -> declared.putIfAbsent(r, additional != null && additional.isObject() ? additional
                : JSON.getNodeFactory().booleanNode(true)));
        List<Regex> members = new ArrayList<>();
        List<Boolean> isRequired = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : declared.entrySet()) {
            Regex value = nested(e.getValue());
            boolean req = required.contains(e.getKey());
            if (value == null) {
                if (req) {
                    return null;
                }
                continue;
            }
            members.add(JsonGrammar.seq(JsonGrammar.literal(JSON.writeValueAsString(e.getKey())), JsonGrammar.literal(":"), value));
            isRequired.add(req);
        }
        return JsonGrammar.seq(JsonGrammar.literal("{"), new Regex.Members(members, isRequired), JsonGrammar.literal("}"));
    }

    private Regex array(JsonNode s) {
        int min = s.path("minItems").asInt(0);
        int max = s.has("maxItems") ? Math.min(s.get("maxItems").asInt(), RegexParser.MAX_COUNT) : Regex.Repeat.UNBOUNDED;
        if (min > RegexParser.MAX_COUNT) {
            throw new ConstraintException("minItems " + min + " is over the limit of " + RegexParser.MAX_COUNT);
        }
        if (max != Regex.Repeat.UNBOUNDED && max < min) {
            return null;
        }
        JsonNode items = s.get("items");
        Regex item = items == null ? JsonGrammar.anyValue(JsonGrammar.ANY_DEPTH - 1) : nested(items);
        if (item == null) {
            return min == 0 ? JsonGrammar.literal("[]") : null;
        }
        return JsonGrammar.array(item, min, max);
    }

    private Regex bounded(JsonNode s, boolean number) {
        boolean hasBound = s.has("minimum") || s.has("maximum") || s.has("exclusiveMinimum") || s.has("exclusiveMaximum");
        if (!hasBound) {
            return number ? JsonGrammar.NUMBER : JsonGrammar.INTEGER;
        }
        double lo = Double.NEGATIVE_INFINITY;
        double hi = Double.POSITIVE_INFINITY;
        if (s.has("minimum")) {
            lo = Math.ceil(s.get("minimum").asDouble());
        }
        if (s.has("exclusiveMinimum")) {
            double x = s.get("exclusiveMinimum").asDouble();
            lo = Math.max(lo, Math.floor(x) + 1);
        }
        if (s.has("maximum")) {
            hi = Math.floor(s.get("maximum").asDouble());
        }
        if (s.has("exclusiveMaximum")) {
            double x = s.get("exclusiveMaximum").asDouble();
            hi = Math.min(hi, Math.ceil(x) - 1);
        }
        long l = Double.isInfinite(lo) ? -IntegerRanges.LIMIT : (long) Math.max(lo, -IntegerRanges.LIMIT);
        long h = Double.isInfinite(hi) ? IntegerRanges.LIMIT : (long) Math.min(hi, IntegerRanges.LIMIT);
        return IntegerRanges.of(l, h);
    }

    /** A subschema one container level down. */
    private Regex nested(JsonNode s) {
        refsWithoutProgress = 0;
        return schema(s);
    }

    private Regex ref(String ref) {
        String pointer;
        if (ref.equals("#")) {
            pointer = "";
        } else if (ref.startsWith("#/")) {
            pointer = ref.substring(1);
        } else {
            throw new ConstraintException("JSON schema $ref '" + ref + "' is not supported: only local references (#, #/$defs/…)");
        }
        JsonNode target = root.at(pointer);
        if (target.isMissingNode()) {
            throw new ConstraintException("JSON schema $ref '" + ref + "' points to nothing");
        }
        if (++refsWithoutProgress > 64) {
            throw new ConstraintException("JSON schema $ref '" + ref + "' refers to itself without a value between");
        }
        int depth = expanding.getOrDefault(ref, 0);
        if (depth >= RECURSION) {
            return null;
        }
        expanding.put(ref, depth + 1);
        try {
            return schema(target);
        } finally {
            expanding.put(ref, depth);
        }
    }

    private static Regex alt(List<Regex> options) {
        if (options.isEmpty()) {
            return null;
        }
        return options.size() == 1 ? options.getFirst() : new Regex.Alt(options);
    }
}
