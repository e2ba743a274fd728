package dev.llmplatform.contracts;

/** Token counts of one request, as in OpenAI's {@code usage}. */
public record Usage(int promptTokens, int completionTokens) {
    public int totalTokens() {
        return promptTokens + completionTokens;
    }
}
