package dev.llmplatform.gateway.messages;

import dev.llmplatform.contracts.ChatMessage;
import dev.llmplatform.gateway.error.ApiException;
import dev.llmplatform.gateway.messages.MessagesProtocol.MessageParam;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Anthropic's {@code system} and {@code messages} as the platform's {@link ChatMessage}s, which the
 * tokenizer-service renders through the model's chat template as it renders a chat completion's. Text
 * blocks of one message are joined with newlines (as chat completions join text parts); consecutive turns
 * of one role are merged into one turn, as Anthropic combines them. {@code tool_use} blocks become the assistant
 * turn's tool calls, {@code tool_result} blocks tool turns, as chat completions carry them. Errors name the field by Anthropic's
 * dotted path ({@code messages.0.content.1.type}).
 */
final class Conversation {

    private static final Set<String> ROLES = Set.of("user", "assistant");
    /** Fields a text block may carry beside type and text: prompt-caching hints and citations, ignored. */
    private static final Set<String> IGNORED_BLOCK_FIELDS = Set.of("cache_control", "citations");
    private static final Set<String> TOOL_USE_FIELDS = Set.of("type", "id", "name", "input", "cache_control",
            "caller");
    private static final Set<String> TOOL_RESULT_FIELDS = Set.of("type", "tool_use_id", "content", "is_error",
            "cache_control");

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
        Set<String> callIds = new HashSet<>();
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
            for (ChatMessage turn : turns(role, message.content(), path + ".content", callIds)) {
                ChatMessage previous = conversation.size() > firstTurn ? conversation.getLast() : null;
                if (previous != null && previous.role().equals(turn.role()) && !turn.role().equals("tool")) {
                    conversation.set(conversation.size() - 1, merged(previous, turn));
                } else {
                    conversation.add(turn);
                }
            }
        }
        if (conversation.getLast().role().equals("assistant")) {
            // Anthropic continues a final assistant turn; the chat path would start a new turn after it instead.
            throw ApiException.invalid("messages." + (messages.size() - 1) + ".role", "A final assistant message"
                    + " (prefilling the answer) is not supported yet: end the conversation with a user message");
        }
        return conversation;
    }

    /** Two turns of one role as one: texts joined with a newline, tool calls one after the other. */
    private static ChatMessage merged(ChatMessage previous, ChatMessage next) {
        String content = previous.content().isEmpty() ? next.content()
                : next.content().isEmpty() ? previous.content() : previous.content() + "\n" + next.content();
        List<ChatMessage.ToolCall> calls = new ArrayList<>();
        if (previous.toolCalls() != null) {
            calls.addAll(previous.toolCalls());
        }
        if (next.toolCalls() != null) {
            calls.addAll(next.toolCalls());
        }
        return new ChatMessage(previous.role(), content, calls, null);
    }

    /**
     * One message's chat turns. An assistant message: its text and its {@code tool_use} blocks as one turn with
     * tool calls. A user message: each {@code tool_result} block a tool turn answering an earlier {@code tool_use}
     * (an unknown id is a 400 naming it), the text blocks between them user turns.
     */
    private static List<ChatMessage> turns(String role, JsonNode content, String path, Set<String> callIds) {
        if (content == null || content.isNull() || content.isString()) {
            return List.of(new ChatMessage(role, text(content, path)));
        }
        if (!content.isArray()) {
            throw ApiException.invalid(path, "Input should be a string or a list of content blocks");
        }
        List<ChatMessage> turns = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        List<ChatMessage.ToolCall> calls = new ArrayList<>();
        for (int i = 0; i < content.size(); i++) {
            JsonNode block = content.get(i);
            String at = path + "." + i;
            String type = block.isObject() ? block.path("type").asString(null) : null;
            if ("tool_use".equals(type) && role.equals("assistant")) {
                calls.add(toolUse(block, at, callIds));
            } else if ("tool_result".equals(type) && role.equals("user")) {
                if (!texts.isEmpty()) {
                    turns.add(new ChatMessage(role, String.join("\n", texts)));
                    texts.clear();
                }
                turns.add(toolResult(block, at, callIds));
            } else if ("tool_use".equals(type) || "tool_result".equals(type)) {
                throw ApiException.invalid(at + ".type", "Content blocks of type '" + type + "' belong to "
                        + ("tool_use".equals(type) ? "assistant" : "user") + " messages");
            } else {
                texts.add(block(block, at));
            }
        }
        if (!texts.isEmpty() || !calls.isEmpty() || turns.isEmpty()) {
            turns.add(new ChatMessage(role, String.join("\n", texts), calls, null));
        }
        return turns;
    }

    /** {@code {"type":"tool_use","id","name","input"}}: a call the assistant made. */
    private static ChatMessage.ToolCall toolUse(JsonNode block, String at, Set<String> callIds) {
        for (String name : block.propertyNames()) {
            if (!TOOL_USE_FIELDS.contains(name)) {
                throw ApiException.invalid(at + "." + name, "Extra inputs are not permitted");
            }
        }
        String id = block.path("id").asString("");
        if (id.isBlank()) {
            throw ApiException.invalid(at + ".id", "Field required: a string");
        }
        String name = block.path("name").asString("");
        if (name.isBlank()) {
            throw ApiException.invalid(at + ".name", "Field required: a string");
        }
        JsonNode input = block.get("input");
        if (input == null || !input.isObject()) {
            throw ApiException.invalid(at + ".input", "Field required: an object");
        }
        callIds.add(id);
        return new ChatMessage.ToolCall(id, name, input.toString());
    }

    /** {@code {"type":"tool_result","tool_use_id","content","is_error"}}: a tool turn answering an earlier call. */
    private static ChatMessage toolResult(JsonNode block, String at, Set<String> callIds) {
        for (String name : block.propertyNames()) {
            if (!TOOL_RESULT_FIELDS.contains(name)) {
                throw ApiException.invalid(at + "." + name, "Extra inputs are not permitted");
            }
        }
        String id = block.path("tool_use_id").asString("");
        if (id.isBlank()) {
            throw ApiException.invalid(at + ".tool_use_id", "Field required: a string");
        }
        if (!callIds.contains(id)) {
            throw ApiException.invalid(at + ".tool_use_id", "tool_use_id '" + id
                    + "' answers no tool_use block of an earlier assistant message");
        }
        JsonNode isError = block.get("is_error");
        if (isError != null && !isError.isNull() && !isError.isBoolean()) {
            throw ApiException.invalid(at + ".is_error", "Input should be a valid boolean");
        }
        JsonNode content = block.get("content");
        String text = content == null || content.isNull() ? "" : text(content, at + ".content");
        return new ChatMessage("tool", text, null, id);
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
            parts.add(block(content.get(i), path + "." + i));
        }
        return String.join("\n", parts);
    }

    /** One text block's text. */
    private static String block(JsonNode block, String at) {
        if (!block.isObject()) {
            throw ApiException.invalid(at, "Input should be a content block object");
        }
        String type = block.path("type").asString(null);
        if (!"text".equals(type)) {
            throw ApiException.invalid(at + ".type", "Content blocks of type "
                    + (type == null ? "(none)" : "'" + type + "'") + " are not supported: only 'text', 'tool_use' (assistant) and 'tool_result' (user) blocks are");
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
        return text.asString();
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
