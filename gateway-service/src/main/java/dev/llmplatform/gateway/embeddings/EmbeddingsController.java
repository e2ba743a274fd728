package dev.llmplatform.gateway.embeddings;

import dev.llmplatform.gateway.embeddings.EmbeddingsProtocol.EmbeddingRequest;
import dev.llmplatform.gateway.embeddings.EmbeddingsProtocol.EmbeddingResponse;
import dev.llmplatform.gateway.serving.RequestTimeout;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code POST /v1/embeddings}, OpenAI-compatible, served by encoder models. */
@RestController
public class EmbeddingsController {

    private final EmbeddingsService service;

    public EmbeddingsController(EmbeddingsService service) {
        this.service = service;
    }

    @PostMapping(path = "/v1/embeddings", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Mono<EmbeddingResponse> create(@RequestBody EmbeddingRequest request,
                                          @RequestHeader(name = RequestTimeout.HEADER, required = false) String timeout) {
        return service.embed(request, timeout);
    }
}
