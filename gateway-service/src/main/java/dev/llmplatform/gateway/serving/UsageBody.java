package dev.llmplatform.gateway.serving;

import com.fasterxml.jackson.annotation.JsonProperty;

/** OpenAI's {@code usage}. */
public record UsageBody(@JsonProperty("prompt_tokens") int promptTokens,
                        @JsonProperty("completion_tokens") int completionTokens,
                        @JsonProperty("total_tokens") int totalTokens) {

    public static UsageBody of(int promptTokens, int completionTokens) {
        return new UsageBody(promptTokens, completionTokens, promptTokens + completionTokens);
    }
}
