package dev.llmplatform.gateway.responses;

import dev.llmplatform.contracts.ChatMessage;
import dev.llmplatform.gateway.error.ApiException;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Responses {@code input} as the platform's {@link ChatMessage}s, rendered later by the model's chat
 * template as chat's messages are: a string is one user message; a list holds message items
 * ({@code {"role", "content"}}, optionally {@code "type": "message"}), content a string or text parts
 * joined with newlines. Anything else is a 400 naming where it is in the body.
 */
final class ResponseInput {

    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant");
    /** Fields a message item may carry: what clients send back from an earlier output item too. */
    private static final Set<String> MESSAGE_FIELDS = Set.of("type", "role", "content", "id", "status");
    private static final Set<String> PART_FIELDS = Set.of("type", "text", "annotations", "logprobs");
    private static final Map<String, String> UNSUPPORTED_ITEMS = Map.of(
            "function_call", "Function calls", "function_call_output", "Function call outputs",
            "reasoning", "Reasoning items", "item_reference", "Item references",
            "custom_tool_call", "Tool calls", "custom_tool_call_output", "Tool call outputs");

    private ResponseInput() {
    }

    /** The messages of {@code input}; at least one. */
    static List<ChatMessage> messages(JsonNode input) {
        if (input == null || input.isNull()) {
            throw ApiException.invalid("input", "You must provide an input: a string or a list of messages");
        }
        if (input.isString()) {
            return List.of(new ChatMessage("user", input.asString()));
        }
        if (!input.isArray() || input.isEmpty()) {
            throw ApiException.invalid("input", "input must be a string or a non-empty list of messages");
        }
        List<ChatMessage> messages = new ArrayList<>(input.size());
        for (int i = 0; i < input.size(); i++) {
            messages.add(message(input.get(i), "input[" + i + "]"));
        }
        return messages;
    }

    private static ChatMessage message(JsonNode item, String path) {
        if (!item.isObject()) {
            throw ApiException.invalid(path, path + " must be a message object with a role and content");
        }
        JsonNode type = item.get("type");
        String kind = type == null || type.isNull() ? "message" : type.asString("");
        if (!kind.equals("message")) {
            String what = UNSUPPORTED_ITEMS.get(kind);
            throw ApiException.invalid(path + ".type", what != null
                    ? what + " ('" + kind + "') are not supported yet in " + path + ": send messages only"
                    : "Unsupported input item type '" + kind + "' in " + path + ": send messages only");
        }
        refuseOthers(item, MESSAGE_FIELDS, path);
        JsonNode roleNode = item.get("role");
        String role = roleNode == null || !roleNode.isString() ? null : roleNode.asString();
        if (role == null || !ROLES.contains(role)) {
            throw ApiException.invalid(path + ".role", "Unsupported role " + (role == null ? "null" : "'" + role + "'")
                    + " in " + path + ": use user, assistant, system or developer");
        }
        // OpenAI's newer name for the system role; chat templates know only "system".
        return new ChatMessage(role.equals("developer") ? "system" : role,
                text(item.get("content"), path + ".content", role.equals("assistant")));
    }

    private static String text(JsonNode content, String path, boolean assistant) {
        if (content == null || content.isNull()) {
            throw ApiException.invalid(path, path + " must be a string or a list of input_text parts");
        }
        if (content.isString()) {
            return content.asString();
        }
        if (!content.isArray()) {
            throw ApiException.invalid(path, path + " must be a string or a list of input_text parts");
        }
        List<String> parts = new ArrayList<>(content.size());
        for (int j = 0; j < content.size(); j++) {
            JsonNode part = content.get(j);
            String partPath = path + "[" + j + "]";
            String type = part.isObject() && part.get("type") != null ? part.get("type").asString("") : "";
            boolean textType = type.equals("input_text") || (assistant && type.equals("output_text"));
            if (!textType) {
                throw ApiException.invalid(partPath + ".type", (type.isEmpty() ? "A content part without a type"
                        : "Content parts of type '" + type + "'") + " are not supported yet in " + partPath
                        + ": only input_text" + (assistant ? " and output_text" : "") + " (no images, files or audio)");
            }
            refuseOthers(part, PART_FIELDS, partPath);
            JsonNode text = part.get("text");
            if (text == null || !text.isString()) {
                throw ApiException.invalid(partPath + ".text", partPath + ".text must be a string");
            }
            parts.add(text.asString());
        }
        return String.join("\n", parts);
    }

    private static void refuseOthers(JsonNode object, Set<String> allowed, String path) {
        for (String name : object.propertyNames()) {
            if (!allowed.contains(name)) {
                throw ApiException.invalid(path + "." + name, "Unrecognized request argument supplied: " + path + "." + name);
            }
        }
    }
}
