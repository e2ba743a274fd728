package dev.llmplatform.gateway.responses;

import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.gateway.error.ApiException;
import dev.llmplatform.gateway.tools.ToolCalling;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * The Responses API's {@code tools} and {@code tool_choice} mapped onto chat's {@link ToolCalling}: a function tool
 * {@code {"type":"function","name","description","parameters","strict"}} (flat) becomes chat's
 * {@code {"type":"function","function":{…}}}, a named {@code tool_choice} {@code {"type":"function","name"}} chat's
 * {@code {"type":"function","function":{"name"}}}; chat's checks then apply, their 400s naming the Responses
 * parameter ({@code tools[0].name}, not {@code tools[0].function.name}). Hosted tools are a 400.
 */
final class ResponseTools {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final List<String> FUNCTION_FIELDS = List.of("name", "description", "parameters", "strict");

    private ResponseTools() {
    }

    static ToolCalling of(JsonNode tools, JsonNode toolChoice, Boolean parallelToolCalls) {
        JsonNode chatTools = tools;
        if (tools != null && tools.isArray()) {
            if (tools.isEmpty()) {
                chatTools = null;
            } else {
                ArrayNode mapped = JSON.createArrayNode();
                for (int i = 0; i < tools.size(); i++) {
                    mapped.add(function(tools.get(i), "tools[" + i + "]"));
                }
                chatTools = mapped;
            }
        }
        JsonNode chatChoice = toolChoice;
        if (toolChoice != null && toolChoice.isObject()) {
            if (!"function".equals(toolChoice.path("type").asString(""))) {
                throw ApiException.invalid("tool_choice.type", "tool_choice must be none, auto, required or"
                        + " {\"type\": \"function\", \"name\": …}: hosted tools are not supported yet");
            }
            ObjectNode named = JSON.createObjectNode().put("type", "function");
            named.putObject("function").set("name", toolChoice.get("name"));
            chatChoice = named;
        }
        try {
            return ToolCalling.of(chatTools, chatChoice, parallelToolCalls);
        } catch (ApiException e) {
            ErrorInfo error = e.error();
            throw ApiException.invalid(flat(error.param()), flat(error.message())
                    .replace("{\"type\": \"function\", \"function\": {\"name\": …}}", "{\"type\": \"function\", \"name\": …}"));
        }
    }

    /** The tools as a response echoes them: each function tool with its four fields (null when not given). */
    static List<Object> echo(JsonNode tools) {
        List<Object> echoed = new ArrayList<>();
        if (tools == null || !tools.isArray()) {
            return echoed;
        }
        for (JsonNode tool : tools) {
            ObjectNode out = JSON.createObjectNode().put("type", "function");
            for (String field : FUNCTION_FIELDS) {
                out.set(field, tool.has(field) ? tool.get(field) : JSON.nullNode());
            }
            echoed.add(out);
        }
        return echoed;
    }

    private static JsonNode function(JsonNode tool, String path) {
        String type = tool != null && tool.isObject() ? tool.path("type").asString("") : "";
        if (!type.equals("function")) {
            throw ApiException.invalid(path + ".type", type.isEmpty() ? path + " must be {\"type\": \"function\", \"name\": …}"
                    : "Tools of type '" + type + "' are not supported yet in " + path + ": only function tools"
                    + " (hosted tools such as web_search and file_search are not implemented)");
        }
        ObjectNode function = JSON.createObjectNode();
        for (String name : tool.propertyNames()) {
            if (name.equals("type")) {
                continue;
            }
            if (!FUNCTION_FIELDS.contains(name)) {
                throw ApiException.invalid(path + "." + name, "Unrecognized request argument supplied: " + path + "." + name);
            }
            function.set(name, tool.get(name));
        }
        ObjectNode chat = JSON.createObjectNode().put("type", "function");
        chat.set("function", function);
        return chat;
    }

    private static String flat(String text) {
        return text == null ? null : text.replace(".function.", ".").replace("tool_choice.function.name", "tool_choice.name");
    }
}
