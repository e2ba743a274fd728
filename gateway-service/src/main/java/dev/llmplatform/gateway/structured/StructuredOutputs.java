package dev.llmplatform.gateway.structured;

import dev.llmplatform.constraint.ConstraintException;
import dev.llmplatform.constraint.Constraints;
import dev.llmplatform.constraint.Regex;
import dev.llmplatform.contracts.OutputConstraint;
import dev.llmplatform.gateway.error.ApiException;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads what a chat or completion request says its output must be — OpenAI's {@code response_format}
 * ({@code text}, {@code json_object}, {@code json_schema}), vLLM's {@code structured_outputs} ({@code json},
 * {@code regex}, {@code choice}, {@code json_object}) or its older {@code guided_json}/{@code guided_regex}/
 * {@code guided_choice} — into one {@link OutputConstraint}, and compiles it once here so that an invalid
 * schema, a regex the engine cannot compile or an unsupported keyword is a 400 naming the parameter before
 * anything is queued. At most one of them may be given.
 */
public final class StructuredOutputs {

    /** A constraint and the request parameter it came from (for errors). */
    public record Requested(OutputConstraint constraint, String param) {
    }

    private StructuredOutputs() {
    }

    /** The requested constraint, or null for free text; a 400 for a shape OpenAI's or vLLM's API would refuse. */
    public static Requested of(JsonNode responseFormat, JsonNode structuredOutputs, JsonNode guidedJson,
                               String guidedRegex, List<String> guidedChoice) {
        List<Requested> given = new ArrayList<>();
        if (responseFormat != null && !responseFormat.isNull()) {
            Requested r = responseFormat(responseFormat);
            if (r != null) {
                given.add(r);
            }
        }
        if (structuredOutputs != null && !structuredOutputs.isNull()) {
            given.add(structuredOutputs(structuredOutputs));
        }
        if (guidedJson != null && !guidedJson.isNull()) {
            given.add(new Requested(OutputConstraint.jsonSchema(schemaText(guidedJson, "guided_json")), "guided_json"));
        }
        if (guidedRegex != null) {
            given.add(new Requested(OutputConstraint.regex(guidedRegex), "guided_regex"));
        }
        if (guidedChoice != null) {
            given.add(new Requested(OutputConstraint.choice(guidedChoice), "guided_choice"));
        }
        if (given.size() > 1) {
            throw ApiException.invalid(given.get(1).param(), "Only one of response_format, structured_outputs, "
                    + "guided_json, guided_regex and guided_choice may constrain the output; got "
                    + given.get(0).param() + " and " + given.get(1).param());
        }
        return given.isEmpty() ? null : given.getFirst();
    }

    /**
     * The Responses API's {@code text.format} ({@code {"type":"json_schema","name","schema","strict"}} or
     * {@code {"type":"json_object"}}, the schema beside the type rather than nested), or null for text.
     */
    public static Requested ofTextFormat(String type, JsonNode schema) {
        return switch (type == null ? "text" : type) {
            case "text" -> null;
            case "json_object" -> new Requested(OutputConstraint.jsonObject(), "text.format");
            case "json_schema" -> schema == null || schema.isNull()
                    ? new Requested(OutputConstraint.jsonObject(), "text.format")
                    : new Requested(OutputConstraint.jsonSchema(schemaText(schema, "text.format.schema")), "text.format.schema");
            default -> throw ApiException.invalid("text.format.type", "text.format.type must be text, json_object or "
                    + "json_schema, got '" + type + "'");
        };
    }

    /** Compiles the constraint (the engine compiles it again against the model's vocabulary); a 400 naming the parameter. */
    public static void check(Requested requested) {
        if (requested == null) {
            return;
        }
        OutputConstraint c = requested.constraint();
        try {
            Regex regex = switch (c.kind()) {
                case JSON_SCHEMA -> Constraints.jsonSchema(c.value());
                case JSON_OBJECT -> Constraints.jsonObject();
                case REGEX -> Constraints.regex(c.value());
                case CHOICE -> Constraints.choice(c.choices());
                case TOOL_CALL -> Constraints.toolCall(c.value());
                case TOOL_CALLS_OR_TEXT -> Constraints.toolCallsOrText(c.value());
            };
            Constraints.compile(regex);
        } catch (ConstraintException e) {
            throw ApiException.invalid(requested.param(), e.getMessage());
        }
    }

    private static Requested responseFormat(JsonNode format) {
        if (!format.isObject()) {
            throw ApiException.invalid("response_format", "response_format must be an object with a type");
        }
        String type = format.path("type").asString("");
        return switch (type) {
            case "text" -> {
                only(format, "response_format", "type");
                yield null;
            }
            case "json_object" -> {
                only(format, "response_format", "type");
                yield new Requested(OutputConstraint.jsonObject(), "response_format");
            }
            case "json_schema" -> {
                only(format, "response_format", "type", "json_schema");
                JsonNode jsonSchema = format.get("json_schema");
                if (jsonSchema == null || !jsonSchema.isObject()) {
                    throw ApiException.invalid("response_format.json_schema",
                            "response_format of type json_schema needs a json_schema object");
                }
                only(jsonSchema, "response_format.json_schema", "name", "schema", "strict", "description");
                if (!jsonSchema.path("name").isString()) {
                    throw ApiException.invalid("response_format.json_schema.name", "json_schema needs a name");
                }
                JsonNode schema = jsonSchema.get("schema");
                yield schema == null || schema.isNull()
                        ? new Requested(OutputConstraint.jsonObject(), "response_format.json_schema")
                        : new Requested(OutputConstraint.jsonSchema(schemaText(schema, "response_format.json_schema.schema")),
                        "response_format.json_schema.schema");
            }
            default -> throw ApiException.invalid("response_format.type", "response_format type must be text, "
                    + "json_object or json_schema, got '" + type + "'");
        };
    }

    private static Requested structuredOutputs(JsonNode outputs) {
        if (!outputs.isObject()) {
            throw ApiException.invalid("structured_outputs", "structured_outputs must be an object");
        }
        List<Requested> given = new ArrayList<>();
        for (String name : outputs.propertyNames()) {
            JsonNode value = outputs.get(name);
            if (value.isNull() || value.isBoolean() && !value.booleanValue()) {
                continue;
            }
            String param = "structured_outputs." + name;
            switch (name) {
                case "json" -> given.add(new Requested(OutputConstraint.jsonSchema(schemaText(value, param)), param));
                case "json_object" -> given.add(new Requested(OutputConstraint.jsonObject(), param));
                case "regex" -> {
                    if (!value.isString()) {
                        throw ApiException.invalid(param, "structured_outputs.regex must be a string");
                    }
                    given.add(new Requested(OutputConstraint.regex(value.asString()), param));
                }
                case "choice" -> {
                    if (!value.isArray() || value.isEmpty()) {
                        throw ApiException.invalid(param, "structured_outputs.choice must be a non-empty list of strings");
                    }
                    List<String> choices = new ArrayList<>();
                    value.forEach(v -> {
                        if (!v.isString()) {
                            throw ApiException.invalid(param, "structured_outputs.choice must list strings");
                        }
                        choices.add(v.asString());
                    });
                    given.add(new Requested(OutputConstraint.choice(choices), param));
                }
                case "grammar", "structural_tag" -> throw ApiException.invalid(param,
                        "structured_outputs." + name + " is not supported: use json, regex or choice");
                default -> throw ApiException.invalid(param, "Unrecognized request argument supplied: " + param);
            }
        }
        if (given.size() != 1) {
            throw ApiException.invalid("structured_outputs",
                    "structured_outputs needs exactly one of json, regex, choice or json_object");
        }
        return given.getFirst();
    }

    /** A schema given as an object, or as a string holding one (vLLM takes both). */
    private static String schemaText(JsonNode schema, String param) {
        if (schema.isString()) {
            return schema.asString();
        }
        if (!schema.isObject() && !schema.isBoolean()) {
            throw ApiException.invalid(param, param + " must be a JSON schema object");
        }
        return schema.toString();
    }

    private static void only(JsonNode node, String param, String... allowed) {
        List<String> names = List.of(allowed);
        for (String name : node.propertyNames()) {
            if (!names.contains(name)) {
                throw ApiException.invalid(param + "." + name, "Unrecognized request argument supplied: " + param + "." + name);
            }
        }
    }
}
