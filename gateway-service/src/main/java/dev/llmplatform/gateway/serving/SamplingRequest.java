package dev.llmplatform.gateway.serving;

import dev.llmplatform.gateway.structured.StructuredOutputs;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/**
 * The sampling surface {@code /v1/completions} and {@code /v1/chat/completions} share, as their
 * request records declare it (a null is a setting the client left out).
 */
public interface SamplingRequest {

    String model();

    /** {@code max_tokens}, or chat's {@code max_completion_tokens}. */
    Integer requestedMaxTokens();

    /**
     * Whether leaving {@code max_tokens} out means "to the end of the context" (chat, as vLLM and OpenAI) rather
     * than the gateway's {@code max-tokens-default} (legacy completions, 16).
     */
    default boolean maxTokensDefaultsToContext() {
        return false;
    }

    /** The parameter {@link #requestedMaxTokens()} came from, for error messages. */
    default String maxTokensParam() {
        return "max_tokens";
    }

    Double temperature();

    Double topP();

    Integer topK();

    Double minP();

    Double presencePenalty();

    Double frequencyPenalty();

    Double repetitionPenalty();

    Long seed();

    List<String> stop();

    Boolean stream();

    StreamOptions streamOptions();

    Integer n();

    /** Token id (as a JSON object key) → bias in -100..100. */
    Map<String, Double> logitBias();

    String user();

    /** vLLM's extra: stop tokens (EOS) cannot end the output before this many tokens. */
    Integer minTokens();

    /** vLLM's extra: generate through stop tokens, to {@code max_tokens}. */
    Boolean ignoreEos();

    /** Fields of the body that the record does not declare. */
    Map<String, JsonNode> unrecognized();

    default boolean isStream() {
        return Boolean.TRUE.equals(stream());
    }

    default boolean includeUsageInStream() {
        return streamOptions() != null && Boolean.TRUE.equals(streamOptions().includeUsage());
    }

    /** How many choices to generate. */
    default int choices() {
        return n() == null ? 1 : n();
    }

    /**
     * vLLM's extra: scheduling priority, lower served first; null leaves it to the key's (or the gateway's)
     * default. An endpoint whose request has no such field (or maps another API's) overrides this to pass one.
     */
    default Integer priority() {
        return null;
    }

    /** vLLM's extra for chat: variables for the chat template's render ({@code {"enable_thinking": false}}); null for none. */
    default Map<String, Object> chatTemplateKwargs() {
        return null;
    }

    /**
     * What the output must be ({@code response_format}, {@code structured_outputs}, {@code guided_*}), or null for
     * free text. An endpoint whose request has none of those fields leaves this null.
     */
    default StructuredOutputs.Requested structuredOutput() {
        return null;
    }
}
