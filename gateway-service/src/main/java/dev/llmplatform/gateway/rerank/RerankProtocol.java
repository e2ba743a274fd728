package dev.llmplatform.gateway.rerank;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/** {@code /v1/rerank} in the Jina/Cohere shape that vLLM serves. */
public final class RerankProtocol {

    private RerankProtocol() {
    }

    /**
     * The request body. {@code query} and {@code documents} are kept as JSON so the validator can
     * say what it accepts; any other field lands in {@code unrecognized} and is refused with a 400
     * naming it.
     *
     * @param documents       strings, or objects {@code {"text": "…"}}, or a mix
     * @param topN            how many results to return, best first (at least 1); all when left out
     * @param returnDocuments whether each result carries its document's text (default true, as Jina and vLLM)
     */
    public record RerankRequest(
            String model,
            @Schema(type = "string", description = "The text the documents are ranked against") JsonNode query,
            @Schema(oneOf = {String[].class, RerankDocument[].class},
                    description = "The documents to rank: strings or {\"text\": …} objects") JsonNode documents,
            @JsonProperty("top_n") Integer topN,
            @JsonProperty("return_documents") Boolean returnDocuments,
            @JsonAnySetter @Schema(hidden = true) Map<String, JsonNode> unrecognized) {
    }

    public record RerankDocument(String text) {
    }

    /**
     * @param index          the document's position in the request
     * @param relevanceScore cosine similarity of the query's and the document's embeddings, in [-1, 1]
     * @param document       the document's text; absent when {@code return_documents} is false
     */
    public record RerankResult(int index, @JsonProperty("relevance_score") double relevanceScore,
                               @JsonInclude(JsonInclude.Include.NON_NULL) RerankDocument document) {
    }

    /** @param totalTokens tokens the encoder read, special tokens included; each distinct text counted once */
    public record RerankUsage(@JsonProperty("total_tokens") int totalTokens) {
    }

    /** @param results sorted by relevance, highest first; ties keep the request's order */
    public record RerankResponse(String id, String model, RerankUsage usage, List<RerankResult> results) {
    }
}
