package dev.llmplatform.gateway.rerank;

import dev.llmplatform.gateway.rerank.RerankProtocol.RerankRequest;
import dev.llmplatform.gateway.rerank.RerankProtocol.RerankResponse;
import dev.llmplatform.gateway.rerank.ScoreProtocol.ScoreRequest;
import dev.llmplatform.gateway.rerank.ScoreProtocol.ScoreResponse;
import dev.llmplatform.gateway.serving.RequestTimeout;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code POST /v1/rerank} (Jina/Cohere shape, as vLLM serves it) and {@code POST /v1/score} (vLLM's
 * shape), served by encoder (bi-encoder) and cross-encoder models. The examples are those of the OpenAPI document.
 */
@RestController
public class RerankController {

    private static final String JSON = MediaType.APPLICATION_JSON_VALUE;

    private final RerankService service;

    public RerankController(RerankService service) {
        this.service = service;
    }

    @Operation(operationId = "rerank", tags = "rerank",
            summary = "Ranks documents by relevance to a query, best first (an encoder: cosine of the embeddings;"
                    + " a cross-encoder: sigmoid of its logit for each (query, document) pair)",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(mediaType = JSON,
                    schema = @Schema(implementation = RerankRequest.class),
                    examples = @ExampleObject(name = "rerank", value = RerankExamples.RERANK_REQUEST))),
            responses = @ApiResponse(responseCode = "200", description = "The documents, highest relevance first",
                    content = @Content(mediaType = JSON, schema = @Schema(implementation = RerankResponse.class),
                            examples = @ExampleObject(name = "ranked", value = RerankExamples.RERANK_RESPONSE))))
    @PostMapping(path = "/v1/rerank", consumes = JSON)
    public Mono<RerankResponse> rerank(@RequestBody RerankRequest request,
                                       @RequestHeader(name = RequestTimeout.HEADER, required = false) String timeout) {
        return service.rerank(request, timeout);
    }

    @Operation(operationId = "score", tags = "rerank",
            summary = "Scores text pairs (1:1, 1:N or N:N): cosine of an encoder's embeddings, or sigmoid of a"
                    + " cross-encoder's logit for the pair",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(mediaType = JSON,
                    schema = @Schema(implementation = ScoreRequest.class),
                    examples = @ExampleObject(name = "one against many", value = RerankExamples.SCORE_REQUEST))),
            responses = @ApiResponse(responseCode = "200", description = "One score per pair, in order",
                    content = @Content(mediaType = JSON, schema = @Schema(implementation = ScoreResponse.class),
                            examples = @ExampleObject(name = "scores", value = RerankExamples.SCORE_RESPONSE))))
    @PostMapping(path = "/v1/score", consumes = JSON)
    public Mono<ScoreResponse> score(@RequestBody ScoreRequest request,
                                     @RequestHeader(name = RequestTimeout.HEADER, required = false) String timeout) {
        return service.score(request, timeout);
    }
}
