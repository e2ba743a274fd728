package dev.llmplatform.gateway.responses;

import dev.llmplatform.contracts.ChatMessage;
import dev.llmplatform.gateway.error.ApiException;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Responses {@code input} as the platform's {@link ChatMessage}s, rendered later by the model's chat
 * template as chat's messages are: a string is one user message; a list holds message items
 * ({@code {"role", "content"}}, optionally {@code "type": "message"}), content a string or text parts
 * joined with newlines; a {@code function_call} item (an earlier call: {@code call_id}, {@code name},
 * {@code arguments}) is an assistant turn's tool call, as chat's {@code tool_calls} (calls in a row make one turn),
 * a {@code function_call_output} item ({@code call_id}, {@code output}) a {@code tool} message answering it, which
 * must name a call made before. Anything else is a 400 naming where it is in the body.
 */
final class ResponseInput {

    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant");
    /** Fields a message item may carry: what clients send back from an earlier output item too. */
    private static final Set<String> MESSAGE_FIELDS = Set.of("type", "role", "content", "id", "status");
    private static final Set<String> PART_FIELDS = Set.of("type", "text", "annotations", "logprobs");
    private static final Set<String> CALL_FIELDS = Set.of("type", "call_id", "name", "arguments", "id", "status");
    private static final Set<String> CALL_OUTPUT_FIELDS = Set.of("type", "call_id", "output", "id", "status");
    private static final Map<String, String> UNSUPPORTED_ITEMS = Map.of(
            "reasoning", "Reasoning items", "item_reference", "Item references",
            "custom_tool_call", "Tool calls", "custom_tool_call_output", "Tool call outputs");

    private ResponseInput() {
    }

    /** The messages of {@code input}; at least one. */
    static List<ChatMessage> messages(JsonNode input) {
        return messages(input, List.of());
    }

    /** @param history the turns before {@code input} (a stored response's), whose calls may be answered in it */
    static List<ChatMessage> messages(JsonNode input, List<ChatMessage> history) {
        if (input == null || input.isNull()) {
            throw ApiException.invalid("input", "You must provide an input: a string or a list of messages");
        }
        if (input.isString()) {
            return List.of(new ChatMessage("user", input.asString()));
        }
        if (!input.isArray() || input.isEmpty()) {
            throw ApiException.invalid("input", "input must be a string or a non-empty list of messages");
        }
        Set<String> callIds = new HashSet<>();
        history.stream().filter(m -> m.toolCalls() != null).forEach(m -> m.toolCalls().forEach(c -> callIds.add(c.id())));
        List<ChatMessage> messages = new ArrayList<>(input.size());
        for (int i = 0; i < input.size(); i++) {
            JsonNode item = input.get(i);
            String path = "input[" + i + "]";
            String type = item.isObject() && item.get("type") != null ? item.get("type").asString("") : "";
            if (type.equals("function_call")) {
                ChatMessage.ToolCall call = call(item, path);
                callIds.add(call.id());
                ChatMessage last = messages.isEmpty() ? null : messages.getLast();
                if (last != null && last.role().equals("assistant") && last.toolCalls() != null) {
                    List<ChatMessage.ToolCall> calls = new ArrayList<>(last.toolCalls());
                    calls.add(call);
                    messages.set(messages.size() - 1, new ChatMessage("assistant", last.content(), calls, null));
                } else {
                    messages.add(new ChatMessage("assistant", "", List.of(call), null));
                }
            } else if (type.equals("function_call_output")) {
                refuseOthers(item, CALL_OUTPUT_FIELDS, path);
                String callId = string(item, "call_id", path);
                if (!callIds.contains(callId)) {
                    throw ApiException.invalid(path + ".call_id", path + ".call_id '" + callId
                            + "' answers no function_call before it (in input or the previous response)");
                }
                JsonNode output = item.get("output");
                String text = output != null && output.isArray() ? text(output, path + ".output", false)
                        : string(item, "output", path);
                messages.add(new ChatMessage("tool", text, null, callId));
            } else {
                messages.add(message(item, path));
            }
        }
        return messages;
    }

    private static ChatMessage.ToolCall call(JsonNode item, String path) {
        refuseOthers(item, CALL_FIELDS, path);
        return new ChatMessage.ToolCall(string(item, "call_id", path), string(item, "name", path),
                string(item, "arguments", path));
    }

    private static String string(JsonNode item, String field, String path) {
        JsonNode value = item.get(field);
        if (value == null || !value.isString() || (!field.equals("output") && value.asString().isBlank())) {
            throw ApiException.invalid(path + "." + field, path + "." + field + " must be a"
                    + (field.equals("output") ? "" : " non-empty") + " string");
        }
        return value.asString();
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
