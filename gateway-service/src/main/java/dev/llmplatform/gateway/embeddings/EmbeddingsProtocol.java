package dev.llmplatform.gateway.embeddings;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/** {@code /v1/embeddings} in OpenAI's JSON shape. */
public final class EmbeddingsProtocol {

    public static final String LIST = "list";
    public static final String EMBEDDING = "embedding";

    private EmbeddingsProtocol() {
    }

    /**
     * The request body. {@code input} is kept as JSON so the validator can say what it accepts (a
     * string or a list of strings); {@code user} is accepted and ignored, as OpenAI only logs it;
     * {@code dimensions} is refused (the model's vectors are not shortened). Any other field lands
     * in {@code unrecognized} and is refused with a 400 naming it.
     *
     * @param encodingFormat {@code float} (default) or {@code base64} (little-endian float32 bytes)
     */
    public record EmbeddingRequest(
            String model,
            @Schema(oneOf = {String.class, String[].class}) JsonNode input,
            @JsonProperty("encoding_format") String encodingFormat,
            Integer dimensions,
            String user,
            @JsonAnySetter @Schema(hidden = true) Map<String, JsonNode> unrecognized) {
    }

    /** @param embedding a list of floats, or a base64 string when {@code encoding_format} is {@code base64} */
    public record EmbeddingData(String object, int index,
                                @Schema(oneOf = {float[].class, String.class}) Object embedding) {
    }

    public record EmbeddingUsage(@JsonProperty("prompt_tokens") int promptTokens,
                                 @JsonProperty("total_tokens") int totalTokens) {
    }

    public record EmbeddingResponse(String object, List<EmbeddingData> data, String model, EmbeddingUsage usage) {
    }
}
