package dev.llmplatform.gateway.rerank;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/** {@code /v1/score} in vLLM's shape. */
public final class ScoreProtocol {

    public static final String LIST = "list";
    public static final String SCORE = "score";

    private ScoreProtocol() {
    }

    /**
     * The request body. Pairs as vLLM forms them: one text against one (1:1), one against each of a
     * list (1:N), or a list against a list of the same length, position by position (N:N). Any other
     * field lands in {@code unrecognized} and is refused with a 400 naming it.
     */
    public record ScoreRequest(
            String model,
            @JsonProperty("text_1") @Schema(oneOf = {String.class, String[].class}) JsonNode text1,
            @JsonProperty("text_2") @Schema(oneOf = {String.class, String[].class}) JsonNode text2,
            @JsonAnySetter @Schema(hidden = true) Map<String, JsonNode> unrecognized) {
    }

    /** @param score cosine similarity of the pair's embeddings, in [-1, 1] */
    public record ScoreData(int index, String object, double score) {
    }

    /** @param promptTokens tokens the encoder read, special tokens included; each distinct text counted once */
    public record ScoreUsage(@JsonProperty("prompt_tokens") int promptTokens,
                             @JsonProperty("total_tokens") int totalTokens,
                             @JsonProperty("completion_tokens") int completionTokens) {
    }

    /** @param data one score per pair, in the pairs' order */
    public record ScoreResponse(String id, String object, long created, String model, List<ScoreData> data,
                                ScoreUsage usage) {
    }
}
