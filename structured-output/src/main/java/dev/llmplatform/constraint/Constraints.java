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

    /** The lazily built byte automaton of a regex. */
    public static ByteDfa compile(Regex regex) {
        return new ByteDfa(Nfa.of(regex));
    }
}
