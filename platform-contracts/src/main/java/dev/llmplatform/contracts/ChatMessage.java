package dev.llmplatform.contracts;

import java.util.List;
import java.util.Objects;

/**
 * One chat turn: role is system, user, assistant or tool. An assistant turn may carry the tool calls it made
 * ({@code toolCalls}), a tool turn the id of the call it answers ({@code toolCallId}); both added without a version
 * bump (null when absent: an older sender leaves them out, an older reader ignores them).
 */
public record ChatMessage(String role, String content, List<ToolCall> toolCalls, String toolCallId) {

    /**
     * A function call the assistant made.
     *
     * @param arguments the arguments as the model wrote them: JSON text
     */
    public record ToolCall(String id, String name, String arguments) {
        public ToolCall {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
            arguments = arguments == null ? "{}" : arguments;
        }
    }

    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
        toolCalls = toolCalls == null || toolCalls.isEmpty() ? null : List.copyOf(toolCalls);
    }

    /** A turn without tool calls. */
    public ChatMessage(String role, String content) {
        this(role, content, null, null);
    }
}
