package dev.llmplatform.gateway.messages;

import dev.llmplatform.contracts.ChatMessage;
import dev.llmplatform.gateway.error.ApiException;
import dev.llmplatform.gateway.messages.MessagesProtocol.MessageParam;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Anthropic's {@code system} and {@code messages} as the platform's {@link ChatMessage}s, which the
 * tokenizer-service renders through the model's chat template as it renders a chat completion's. Text
 * blocks of one message are joined with newlines (as chat completions join text parts); consecutive turns
 * of one role are merged into one turn, as Anthropic combines them. Errors name the field by Anthropic's
 * dotted path ({@code messages.0.content.1.type}).
 */
final class Conversation {

    private static final Set<String> ROLES = Set.of("user", "assistant");
    /** Fields a text block may carry beside type and text: prompt-caching hints and citations, ignored. */
    private static final Set<String> IGNORED_BLOCK_FIELDS = Set.of("cache_control", "citations");

    private Conversation() {
    }

    /** The system prompt (when not empty) followed by the turns; a 400 naming the first field that cannot be taken. */
    static List<ChatMessage> of(JsonNode system, List<MessageParam> messages) {
        List<ChatMessage> conversation = new ArrayList<>();
        if (system != null && !system.isNull()) {
            String text = text(system, "system");
            if (!text.isEmpty()) {
                conversation.add(new ChatMessage("system", text));
            }
        }
        if (messages == null || messages.isEmpty()) {
            throw ApiException.invalid("messages", "At least one message is required");
        }
        int firstTurn = conversation.size();
        for (int i = 0; i < messages.size(); i++) {
            String path = "messages." + i;
            MessageParam message = messages.get(i);
            if (message == null) {
                throw ApiException.invalid(path, "Each message must be an object with a role and content");
            }
            refuseUnknown(message.unrecognized(), path);
            String role = message.role();
            if (role == null || !ROLES.contains(role)) {
                throw ApiException.invalid(path + ".role", "Input should be 'user' or 'assistant', got "
                        + (role == null ? "nothing" : "'" + role + "'")
                        + ("system".equals(role) ? " (use the top-level system parameter)" : ""));
            }
            String text = text(message.content(), path + ".content");
            ChatMessage previous = conversation.size() > firstTurn ? conversation.getLast() : null;
            if (previous != null && previous.role().equals(role)) {
                conversation.set(conversation.size() - 1, new ChatMessage(role, previous.content() + "\n" + text));
            } else {
                conversation.add(new ChatMessage(role, text));
            }
        }
        if (conversation.getLast().role().equals("assistant")) {
            // Anthropic continues a final assistant turn; the chat path would start a new turn after it instead.
            throw ApiException.invalid("messages." + (messages.size() - 1) + ".role", "A final assistant message"
                    + " (prefilling the answer) is not supported yet: end the conversation with a user message");
        }
        return conversation;
    }

    /** A string, or a list of text blocks joined with newlines. */
    private static String text(JsonNode content, String path) {
        if (content == null || content.isNull()) {
            throw ApiException.invalid(path, "Field required: a string or a list of text blocks");
        }
        if (content.isString()) {
            return content.asString();
        }
        if (!content.isArray()) {
            throw ApiException.invalid(path, "Input should be a string or a list of text blocks");
        }
        List<String> parts = new ArrayList<>(content.size());
        for (int i = 0; i < content.size(); i++) {
            JsonNode block = content.get(i);
            String at = path + "." + i;
            if (!block.isObject()) {
                throw ApiException.invalid(at, "Input should be a content block object");
            }
            String type = block.path("type").asString(null);
            if (!"text".equals(type)) {
                throw ApiException.invalid(at + ".type", "Content blocks of type "
                        + (type == null ? "(none)" : "'" + type + "'") + " are not supported: only 'text' blocks are");
            }
            JsonNode text = block.get("text");
            if (text == null || !text.isString()) {
                throw ApiException.invalid(at + ".text", "Field required: a string");
            }
            for (String name : block.propertyNames()) {
                if (!name.equals("type") && !name.equals("text") && !IGNORED_BLOCK_FIELDS.contains(name)) {
                    throw ApiException.invalid(at + "." + name, "Extra inputs are not permitted");
                }
            }
            parts.add(text.asString());
        }
        return String.join("\n", parts);
    }

    /** A 400 naming the first (alphabetically) field a request object may not carry. */
    static void refuseUnknown(Map<String, JsonNode> unrecognized, String path) {
        if (unrecognized == null || unrecognized.isEmpty()) {
            return;
        }
        String first = unrecognized.keySet().stream().sorted().findFirst().orElseThrow();
        throw ApiException.invalid(path.isEmpty() ? first : path + "." + first, "Extra inputs are not permitted");
    }
}
