package dev.llmplatform.tokenizer;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of the tokenizer-service ({@code llm.tokenizer.*} in {@code tokenizer.yml}).
 *
 * @param modelStore         root of the model store ({@code <name>/<version>/} packages)
 * @param cachedTokenizers   model versions whose tokenizers stay loaded
 * @param stoppedRequests    request ids remembered after a stop string, to drop their late token events
 * @param sendTimeout        how long a listener waits for Kafka to acknowledge what it published
 * @param maxPromptTokens    the longest prompt (after the chat template) any model is given, whatever its context,
 *                           so one request cannot fill the KV cache; 0 = the model's context only
 */
@ConfigurationProperties(prefix = "llm.tokenizer")
public record TokenizerProperties(
        Path modelStore,
        @DefaultValue("16") int cachedTokenizers,
        @DefaultValue("4096") int stoppedRequests,
        @DefaultValue("10s") Duration sendTimeout,
        @DefaultValue("0") int maxPromptTokens) {

    public TokenizerProperties {
        if (maxPromptTokens < 0) {
            throw new IllegalArgumentException("llm.tokenizer.max-prompt-tokens must be >= 0 (0 = the model's context only)");
        }
    }
}
