package dev.llmplatform.gateway.chat;

import dev.llmplatform.contracts.ChatMessage;
import dev.llmplatform.gateway.chat.ChatProtocol.MessageBody;
import dev.llmplatform.gateway.error.ApiException;
import dev.llmplatform.gateway.serving.Unrecognized;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * OpenAI's chat messages as the platform's {@link ChatMessage}s, which the tokenizer-service renders
 * through the model's chat template. Used by chat completions and by {@code /v1/tokenize}.
 */
public final class ChatMessages {

    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");

    private ChatMessages() {
    }

    /** The conversation, or a 400 naming the first message (and field) that cannot be taken. */
    public static List<ChatMessage> of(List<MessageBody> messages) {
        if (messages == null || messages.isEmpty()) {
            throw ApiException.invalid("messages", "You must provide at least one message");
        }
        List<ChatMessage> conversation = new ArrayList<>(messages.size());
        Set<String> callIds = new HashSet<>();
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage message = of(messages.get(i), "messages[" + i + "]");
            if (message.toolCalls() != null) {
                message.toolCalls().forEach(call -> callIds.add(call.id()));
            }
            if (message.toolCallId() != null && !callIds.contains(message.toolCallId())) {
                throw ApiException.invalid("messages[" + i + "].tool_call_id", "messages[" + i + "].tool_call_id '"
                        + message.toolCallId() + "' answers no tool call of an earlier assistant message");
            }
            conversation.add(message);
        }
        return conversation;
    }

    private static ChatMessage of(MessageBody message, String path) {
        if (message == null) {
            throw ApiException.invalid(path, path + " must be an object with a role and content");
        }
        Unrecognized.refuse(message.unrecognized(), path + ".");
        String role = message.role();
        if (role == null || !ROLES.contains(role)) {
            throw ApiException.invalid(path + ".role", "Unsupported role " + (role == null ? "null" : "'" + role + "'")
                    + " in " + path + ": use system, developer, user, assistant or tool");
        }
        if (role.equals("tool")) {
            if (message.toolCallId() == null || message.toolCallId().isBlank()) {
                throw ApiException.invalid(path + ".tool_call_id", path + " (a tool message) needs the tool_call_id it answers");
            }
            return new ChatMessage(role, text(message.content(), path + ".content"), null, message.toolCallId());
        }
        if (message.toolCallId() != null) {
            throw ApiException.invalid(path + ".tool_call_id", "tool_call_id belongs to tool messages only");
        }
        if (message.toolCalls() != null && !message.toolCalls().isNull()) {
            if (!role.equals("assistant")) {
                throw ApiException.invalid(path + ".tool_calls", "tool_calls belong to assistant messages only");
            }
            List<ChatMessage.ToolCall> calls = toolCalls(message.toolCalls(), path + ".tool_calls");
            JsonNode content = message.content();
            String text = content == null || content.isNull() ? "" : text(content, path + ".content");
            return new ChatMessage(role, text, calls, null);
        }
        // OpenAI's newer name for the system role; chat templates know only "system".
        return new ChatMessage(role.equals("developer") ? "system" : role, text(message.content(), path + ".content"));
    }

    /** An assistant's {@code tool_calls}: {@code {"id", "type": "function", "function": {"name", "arguments"}}}. */
    private static List<ChatMessage.ToolCall> toolCalls(JsonNode calls, String path) {
        if (!calls.isArray()) {
            throw ApiException.invalid(path, path + " must be a list of tool calls");
        }
        List<ChatMessage.ToolCall> read = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            JsonNode call = calls.get(i);
            String at = path + "[" + i + "]";
            String id = call.path("id").asString(null);
            String name = call.path("function").path("name").asString(null);
            JsonNode arguments = call.path("function").path("arguments");
            if (id == null || id.isBlank()) {
                throw ApiException.invalid(at + ".id", at + " needs an id");
            }
            if (name == null || name.isBlank()) {
                throw ApiException.invalid(at + ".function.name", at + " needs a function name");
            }
            if (!arguments.isMissingNode() && !arguments.isNull() && !arguments.isString()) {
                throw ApiException.invalid(at + ".function.arguments", at + ".function.arguments must be a JSON string");
            }
            read.add(new ChatMessage.ToolCall(id, name, arguments.isString() ? arguments.asString() : "{}"));
        }
        return read;
    }

    /** A string, or the text parts of a list joined with newlines (as vLLM joins them). */
    private static String text(JsonNode content, String path) {
        if (content == null || content.isNull()) {
            throw ApiException.invalid(path, path + " must be a string or a list of text parts");
        }
        if (content.isString()) {
            return content.asString();
        }
        if (!content.isArray()) {
            throw ApiException.invalid(path, path + " must be a string or a list of text parts");
        }
        List<String> parts = new ArrayList<>(content.size());
        for (JsonNode part : content) {
            JsonNode type = part.get("type");
            JsonNode text = part.get("text");
            if (type == null || !"text".equals(type.asString(null)) || text == null || !text.isString()) {
                throw ApiException.invalid(path, "Only text content parts ({\"type\": \"text\", \"text\": \"...\"}) are"
                        + " supported in " + path);
            }
            parts.add(text.asString());
        }
        return String.join("\n", parts);
    }
}
