package dev.llmplatform.gateway.messages;

import dev.llmplatform.gateway.error.ApiException;
import dev.llmplatform.gateway.tools.ToolCalling;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Anthropic's {@code tools} ({@code {"name","description","input_schema"}}) and {@code tool_choice}
 * ({@code auto}, {@code any}, {@code tool} with a name, {@code none}) mapped onto chat's function tools
 * ({@link ToolCalling}): {@code any} is chat's {@code required}, a named tool chat's named function, both enforced
 * by the same constraint. {@code disable_parallel_tool_use} is chat's {@code parallel_tool_calls: false} (an enforced
 * answer holds one call anyway; under {@code auto} the guard allows one).
 * Errors name Anthropic's fields ({@code tools.0.input_schema}).
 */
final class MessagesTools {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
    /** Beside what is used: hints accepted and ignored ({@code strict}: an enforced call obeys its schema anyway). */
    private static final Set<String> TOOL_FIELDS = Set.of("type", "name", "description", "input_schema",
            "cache_control", "strict", "eager_input_streaming");
    private static final Set<String> CHOICE_FIELDS = Set.of("type", "name", "disable_parallel_tool_use");

    private MessagesTools() {
    }

    static ToolCalling of(JsonNode tools, JsonNode toolChoice) {
        boolean hasTools = tools != null && !tools.isNull() && !(tools.isArray() && tools.isEmpty());
        boolean hasChoice = toolChoice != null && !toolChoice.isNull();
        if (tools != null && !tools.isNull() && !tools.isArray()) {
            throw ApiException.invalid("tools", "Input should be a list of tools");
        }
        ArrayNode functions = JSON.createArrayNode();
        Set<String> names = new HashSet<>();
        if (hasTools) {
            for (int i = 0; i < tools.size(); i++) {
                functions.add(function(tools.get(i), "tools." + i, names));
            }
        }
        JsonNode choice = hasChoice ? choice(toolChoice, names, hasTools) : null;
        if (!hasTools) {
            return ToolCalling.NONE;
        }
        try {
            boolean oneCall = hasChoice && toolChoice.path("disable_parallel_tool_use").asBoolean(false);
            return ToolCalling.of(functions, choice, oneCall ? Boolean.FALSE : null);
        } catch (ApiException e) {
            // A schema that cannot be enforced: chat names tools[i].function.parameters.
            String param = e.error().param() == null ? "tools" : e.error().param()
                    .replaceFirst("^tools\\[(\\d+)]\\.function\\.parameters", "tools.$1.input_schema")
                    .replaceFirst("^tool_choice\\.function\\.name", "tool_choice.name");
            throw ApiException.invalid(param, e.error().message());
        }
    }

    private static JsonNode function(JsonNode tool, String path, Set<String> names) {
        if (tool == null || !tool.isObject()) {
            throw ApiException.invalid(path, "Input should be a tool object with a name and an input_schema");
        }
        String type = tool.path("type").asString(null);
        if (type != null && !type.equals("custom")) {
            throw ApiException.invalid(path + ".type", "Tools of type '" + type
                    + "' are not supported: only client tools (name, description, input_schema) are");
        }
        for (String field : tool.propertyNames()) {
            if (!TOOL_FIELDS.contains(field)) {
                throw ApiException.invalid(path + "." + field, "Extra inputs are not permitted");
            }
        }
        String name = tool.path("name").asString("");
        if (!NAME.matcher(name).matches()) {
            throw ApiException.invalid(path + ".name", "String should match pattern '^[a-zA-Z0-9_-]{1,64}$', got '"
                    + name + "'");
        }
        if (!names.add(name)) {
            throw ApiException.invalid(path + ".name", "Tool names must be unique: '" + name + "' is given twice");
        }
        JsonNode description = tool.get("description");
        if (description != null && !description.isNull() && !description.isString()) {
            throw ApiException.invalid(path + ".description", "Input should be a string");
        }
        JsonNode schema = tool.get("input_schema");
        if (schema == null || !schema.isObject()) {
            throw ApiException.invalid(path + ".input_schema", "Field required: a JSON schema object");
        }
        if (!"object".equals(schema.path("type").asString(""))) {
            throw ApiException.invalid(path + ".input_schema.type", "Input should be 'object'");
        }
        ObjectNode fn = JSON.createObjectNode().put("name", name);
        if (description != null && description.isString()) {
            fn.put("description", description.asString());
        }
        fn.set("parameters", schema);
        ObjectNode mapped = JSON.createObjectNode().put("type", "function");
        mapped.set("function", fn);
        return mapped;
    }

    /** Chat's tool_choice for Anthropic's. */
    private static JsonNode choice(JsonNode choice, Set<String> names, boolean hasTools) {
        if (!choice.isObject()) {
            throw ApiException.invalid("tool_choice", "Input should be an object with a type: auto, any, tool or none");
        }
        for (String field : choice.propertyNames()) {
            if (!CHOICE_FIELDS.contains(field)) {
                throw ApiException.invalid("tool_choice." + field, "Extra inputs are not permitted");
            }
        }
        JsonNode parallel = choice.get("disable_parallel_tool_use");
        if (parallel != null && !parallel.isNull() && !parallel.isBoolean()) {
            throw ApiException.invalid("tool_choice.disable_parallel_tool_use", "Input should be a valid boolean");
        }
        String type = choice.path("type").asString("");
        if (!type.equals("tool") && choice.has("name")) {
            throw ApiException.invalid("tool_choice.name", "Extra inputs are not permitted (name belongs to type 'tool')");
        }
        if (!hasTools && !type.equals("none") && !type.equals("auto")) {
            throw ApiException.invalid("tool_choice", "Tool choice '" + type + "' needs tools");
        }
        return switch (type) {
            case "auto" -> StringNode.valueOf("auto");
            case "any" -> StringNode.valueOf("required");
            case "none" -> StringNode.valueOf("none");
            case "tool" -> {
                String name = choice.path("name").asString(null);
                if (name == null) {
                    throw ApiException.invalid("tool_choice.name", "Field required");
                }
                if (!names.contains(name)) {
                    throw ApiException.invalid("tool_choice.name", "tool_choice names the tool '" + name
                            + "', which is not among the tools");
                }
                ObjectNode named = JSON.createObjectNode().put("type", "function");
                named.putObject("function").put("name", name);
                yield named;
            }
            default -> throw ApiException.invalid("tool_choice.type", "Input should be 'auto', 'any', 'tool' or 'none'");
        };
    }
}
