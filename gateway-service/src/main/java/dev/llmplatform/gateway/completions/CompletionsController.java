package dev.llmplatform.gateway.completions;

import dev.llmplatform.gateway.completions.CompletionsProtocol.CompletionRequest;
import dev.llmplatform.gateway.serving.RequestTimeout;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code POST /v1/completions}, OpenAI-compatible; {@code "stream": true} answers with server-sent events. */
@RestController
public class CompletionsController {

    private final CompletionsService service;

    public CompletionsController(CompletionsService service) {
        this.service = service;
    }

    @PostMapping(path = "/v1/completions", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<?>> create(@RequestBody CompletionRequest request,
                                          @RequestHeader(name = RequestTimeout.HEADER, required = false) String timeout) {
        return service.complete(request, timeout);
    }
}
