package dev.llmplatform.gateway.attention;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/** {@code /v1/attention}: a platform endpoint (not OpenAI's) for the playground's attention view. */
public final class AttentionProtocol {

    public static final String OBJECT = "attention";

    private AttentionProtocol() {
    }

    /** A prompt of at most 64 tokens; any other field is refused with a 400 naming it. */
    public record AttentionRequest(String model, String prompt,
                                   @JsonAnySetter @Schema(hidden = true) Map<String, JsonNode> unrecognized) {
    }

    /**
     * Every layer's attention probabilities, rounded to 4 decimals.
     *
     * @param kind      {@code encoder} or {@code decoder}
     * @param causal    true when no token attends to a later one (decoders)
     * @param tokens    each token's own text, the axes of every map
     * @param attention {@code [layer][head][query][key]}; each query's row sums to 1
     */
    public record AttentionResponse(String object, String model, String kind, boolean causal, List<String> tokens,
                                    @JsonProperty("token_ids") List<Integer> tokenIds, int layers, int heads,
                                    float[][][][] attention) {
    }
}
