package dev.llmplatform.gateway.messages;

import dev.llmplatform.gateway.serving.SamplingRequest;
import dev.llmplatform.gateway.serving.StreamOptions;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/**
 * A Messages request seen as the sampling surface chat completions share ({@link SamplingRequest}), so it
 * takes the chat path: {@code stop_sequences} as {@code stop}, {@code metadata.user_id} as {@code user}; what
 * Anthropic's API does not have (penalties, seed, {@code n}, logit bias) is left out.
 *
 * @param chatTemplateKwargs {@code {"enable_thinking": false}} when the request disabled thinking (Qwen3's
 *                           template then writes an empty think block), else null
 */
record MessagesSampling(String model, Integer requestedMaxTokens, Double temperature, Double topP, Integer topK,
                        List<String> stop, Boolean stream, String user, Map<String, Object> chatTemplateKwargs)
        implements SamplingRequest {

    @Override
    public Double minP() {
        return null;
    }

    @Override
    public Double presencePenalty() {
        return null;
    }

    @Override
    public Double frequencyPenalty() {
        return null;
    }

    @Override
    public Double repetitionPenalty() {
        return null;
    }

    @Override
    public Long seed() {
        return null;
    }

    @Override
    public StreamOptions streamOptions() {
        return null;
    }

    @Override
    public Integer n() {
        return null;
    }

    @Override
    public Map<String, Double> logitBias() {
        return null;
    }

    @Override
    public Integer minTokens() {
        return null;
    }

    @Override
    public Boolean ignoreEos() {
        return null;
    }

    /** Unknown fields were refused by {@link MessagesRequestValidator} under their Anthropic names. */
    @Override
    public Map<String, JsonNode> unrecognized() {
        return Map.of();
    }
}
