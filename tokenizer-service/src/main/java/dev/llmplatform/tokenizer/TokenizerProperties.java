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
 */
@ConfigurationProperties(prefix = "llm.tokenizer")
public record TokenizerProperties(
        Path modelStore,
        @DefaultValue("16") int cachedTokenizers,
        @DefaultValue("4096") int stoppedRequests,
        @DefaultValue("10s") Duration sendTimeout) {
}
