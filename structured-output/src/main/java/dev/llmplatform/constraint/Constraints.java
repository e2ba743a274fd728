package dev.llmplatform.constraint;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.List;

/**
 * Entry point: a constraint's description to the byte automaton that generation walks. Each method throws
 * {@link ConstraintException} (a 400 for the caller) for what it cannot compile.
 */
public final class Constraints {

    /** Most choices a choice constraint may list. */
    public static final int MAX_CHOICES = 1024;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Constraints() {
    }

    /** Outputs that are values valid against a JSON schema (given as JSON text), in compact JSON. */
    public static Regex jsonSchema(String schemaJson) {
        return JsonSchemaCompiler.compile(schemaJson);
    }

    /** Any JSON object, nesting at most {@link JsonGrammar#ANY_DEPTH} levels (OpenAI's {@code json_object}). */
    public static Regex jsonObject() {
        return JsonGrammar.anyObject(JsonGrammar.ANY_DEPTH);
    }

    /** Outputs that match a regular expression as a whole ({@link RegexParser}'s syntax). */
    public static Regex regex(String pattern) {
        return RegexParser.parse(pattern);
    }

    /** Exactly one of the choices. */
    public static Regex choice(List<String> choices) {
        if (choices == null || choices.isEmpty()) {
            throw new ConstraintException("a choice constraint needs at least one choice");
        }
        if (choices.size() > MAX_CHOICES) {
            throw new ConstraintException("a choice constraint may list at most " + MAX_CHOICES + " choices");
        }
        List<Regex> options = new ArrayList<>();
        for (String c : choices) {
            if (c == null) {
                throw new ConstraintException("a choice must be a string");
            }
            options.add(JsonGrammar.literal(c));
        }
        return options.size() == 1 ? options.getFirst() : new Regex.Alt(options);
    }

    /**
     * A tool call in a parser's format: one of the alternatives of a JSON array of
     * {@code {"before": text, "schema": JSON schema, "after": text}}, each the literal text before, a compact JSON
     * value of the schema, the literal text after (e.g. {@code <tool_call>{"name":"f","arguments":} … {@code }</tool_call>}).
     */
    public static Regex toolCall(String alternativesJson) {
        JsonNode alternatives;
        try {
            alternatives = JSON.readTree(alternativesJson);
        } catch (JacksonException e) {
            throw new ConstraintException("a tool call constraint must be a JSON array: " + e.getOriginalMessage());
        }
        if (alternatives == null || !alternatives.isArray() || alternatives.isEmpty()) {
            throw new ConstraintException("a tool call constraint needs at least one alternative");
        }
        List<Regex> options = new ArrayList<>();
        for (JsonNode alternative : alternatives) {
            JsonNode schema = alternative.get("schema");
            if (schema == null || !schema.isObject()) {
                throw new ConstraintException("each tool call alternative needs a schema object");
            }
            options.add(JsonGrammar.seq(JsonGrammar.literal(alternative.path("before").asString("")),
                    jsonSchema(schema.toString()), JsonGrammar.literal(alternative.path("after").asString(""))));
        }
        return options.size() == 1 ? options.getFirst() : new Regex.Alt(options);
    }

    /**
     * Text in which any number of tool calls may start, each constrained once it does ({@code tool_choice: auto}): a
     * JSON object {@code {"open": text, "alternatives": […]}}, the alternatives as in {@link #toolCall} and each
     * {@code before} starting with {@code open}. Outside calls any text goes except {@code open} itself; the moment
     * {@code open} is complete the output is inside a call and must be one of the alternatives; after the call, text
     * again. An answer without {@code open} is plain text, unconstrained but for that. An optional {@code max_calls}
     * (≥ 1) bounds how many calls the answer may hold ({@code parallel_tool_calls: false} is 1).
     */
    public static Regex toolCallsOrText(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JacksonException e) {
            throw new ConstraintException("a tool-calls-or-text constraint must be a JSON object: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject() || !root.path("open").isString() || !root.path("alternatives").isArray()) {
            throw new ConstraintException("a tool-calls-or-text constraint needs open (text) and alternatives (a list)");
        }
        String open = root.get("open").asString();
        for (JsonNode alternative : root.get("alternatives")) {
            if (!alternative.path("before").asString("").startsWith(open)) {
                throw new ConstraintException("each alternative's before must start with the opening text '" + open + "'");
            }
        }
        JsonNode maxCalls = root.get("max_calls");
        if (maxCalls != null && (!maxCalls.isIntegralNumber() || maxCalls.asInt() < 1)) {
            throw new ConstraintException("max_calls must be a whole number of at least 1");
        }
        Regex text = new Regex.Avoiding(open);
        Regex call = toolCall(root.get("alternatives").toString());
        return new Regex.Seq(List.of(new Regex.Repeat(new Regex.Seq(List.of(text, call)), 0,
                maxCalls == null ? Regex.Repeat.UNBOUNDED : maxCalls.asInt()), text));
    }

    /** The lazily built byte automaton of a regex. */
    public static ByteDfa compile(Regex regex) {
        return new ByteDfa(Nfa.of(regex));
    }
}
