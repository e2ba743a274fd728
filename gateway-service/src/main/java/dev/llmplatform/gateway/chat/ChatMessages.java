package dev.llmplatform.gateway.chat;

import dev.llmplatform.contracts.ChatMessage;
import dev.llmplatform.gateway.chat.ChatProtocol.MessageBody;
import dev.llmplatform.gateway.error.ApiException;
import dev.llmplatform.gateway.serving.Unrecognized;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * OpenAI's chat messages as the platform's {@link ChatMessage}s, which the tokenizer-service renders
 * through the model's chat template. Used by chat completions and by {@code /v1/tokenize}.
 */
public final class ChatMessages {

    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant");

    private ChatMessages() {
    }

    /** The conversation, or a 400 naming the first message (and field) that cannot be taken. */
    public static List<ChatMessage> of(List<MessageBody> messages) {
        if (messages == null || messages.isEmpty()) {
            throw ApiException.invalid("messages", "You must provide at least one message");
        }
        List<ChatMessage> conversation = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            conversation.add(of(messages.get(i), "messages[" + i + "]"));
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
                    + " in " + path + ": use system, developer, user or assistant (tools are not supported)");
        }
        // OpenAI's newer name for the system role; chat templates know only "system".
        return new ChatMessage(role.equals("developer") ? "system" : role, text(message.content(), path + ".content"));
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
