package dev.llmplatform.contracts;

import java.util.List;
import java.util.Objects;

/**
 * What a generation's output must be, enforced token by token by the inference engine (constrained decoding):
 * OpenAI's {@code response_format} and vLLM's {@code structured_outputs}, on {@link SamplingParams#constraint()}.
 *
 * @param kind    which constraint
 * @param value   the JSON schema as JSON text ({@link Kind#JSON_SCHEMA}) or the regular expression
 *                ({@link Kind#REGEX}), or the JSON array of a tool call's alternatives ({@link Kind#TOOL_CALL}), or
 *                the JSON object of {@link Kind#TOOL_CALLS_OR_TEXT}; null otherwise
 * @param choices the allowed outputs ({@link Kind#CHOICE}); empty otherwise
 */
public record OutputConstraint(Kind kind, String value, List<String> choices) {

    public enum Kind {
        /** A value valid against a JSON schema. */
        JSON_SCHEMA,
        /** Any JSON object (OpenAI's {@code json_object}). */
        JSON_OBJECT,
        /** A string matching a regular expression as a whole. */
        REGEX,
        /** Exactly one of {@code choices}. */
        CHOICE,
        /**
         * One function call in a tool-call parser's format: one of the alternatives, each a literal text before and
         * after a JSON value valid against a schema ({@link #toolCall(String)}).
         */
        TOOL_CALL,
        /**
         * Text in which any call that starts is held to the tools' schemas ({@code tool_choice: auto}):
         * {@link #toolCallsOrText(String)}.
         */
        TOOL_CALLS_OR_TEXT
    }

    public OutputConstraint {
        Objects.requireNonNull(kind, "kind");
        choices = choices == null ? List.of() : List.copyOf(choices);
        if ((kind == Kind.JSON_SCHEMA || kind == Kind.REGEX || kind == Kind.TOOL_CALL
                || kind == Kind.TOOL_CALLS_OR_TEXT) && value == null) {
            throw new IllegalArgumentException(kind + " needs a value");
        }
    }

    public static OutputConstraint jsonSchema(String schemaJson) {
        return new OutputConstraint(Kind.JSON_SCHEMA, schemaJson, null);
    }

    public static OutputConstraint jsonObject() {
        return new OutputConstraint(Kind.JSON_OBJECT, null, null);
    }

    public static OutputConstraint regex(String pattern) {
        return new OutputConstraint(Kind.REGEX, pattern, null);
    }

    public static OutputConstraint choice(List<String> choices) {
        return new OutputConstraint(Kind.CHOICE, null, choices);
    }

    /**
     * @param alternativesJson a JSON array of {@code {"before": text, "schema": JSON schema, "after": text}}: the output
     *                         is one of them, the text before, a value of the schema in compact JSON, the text after
     */
    public static OutputConstraint toolCall(String alternativesJson) {
        return new OutputConstraint(Kind.TOOL_CALL, alternativesJson, null);
    }

    /**
     * @param json {@code {"open": text, "alternatives": […]}}: any text without {@code open}, except that from each
     *             {@code open} on the output is one of the alternatives (as in {@link #toolCall}, each {@code before}
     *             starting with {@code open}), then text again
     */
    public static OutputConstraint toolCallsOrText(String json) {
        return new OutputConstraint(Kind.TOOL_CALLS_OR_TEXT, json, null);
    }
}
