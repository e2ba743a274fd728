package dev.llmplatform.gateway.serving;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * OpenAI's {@code usage}; {@code completion_tokens_details} only for a model whose reasoning is split from its
 * answer (how many completion tokens were reasoning).
 */
public record UsageBody(@JsonProperty("prompt_tokens") int promptTokens,
                        @JsonProperty("completion_tokens") int completionTokens,
                        @JsonProperty("total_tokens") int totalTokens,
                        @JsonProperty("completion_tokens_details") @JsonInclude(JsonInclude.Include.NON_NULL)
                        CompletionTokensDetails completionTokensDetails) {

    public UsageBody(int promptTokens, int completionTokens, int totalTokens) {
        this(promptTokens, completionTokens, totalTokens, null);
    }

    public static UsageBody of(int promptTokens, int completionTokens) {
        return new UsageBody(promptTokens, completionTokens, promptTokens + completionTokens);
    }

    /** The same counts, saying how many of the completion tokens were reasoning. */
    public UsageBody withReasoningTokens(int reasoningTokens) {
        return new UsageBody(promptTokens, completionTokens, totalTokens, new CompletionTokensDetails(reasoningTokens));
    }

    public record CompletionTokensDetails(@JsonProperty("reasoning_tokens") int reasoningTokens) {
    }
}
