package dev.llmplatform.contracts;

import java.util.Objects;

/** One chat turn: role is system, user or assistant. */
public record ChatMessage(String role, String content) {
    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
    }
}
