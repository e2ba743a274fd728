package dev.llmplatform.gateway.attention;

import dev.llmplatform.gateway.attention.AttentionProtocol.AttentionRequest;
import dev.llmplatform.gateway.attention.AttentionProtocol.AttentionResponse;
import dev.llmplatform.gateway.serving.RequestTimeout;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code POST /v1/attention}: attention maps of every layer and head for a short prompt. */
@RestController
public class AttentionController {

    private final AttentionService service;

    public AttentionController(AttentionService service) {
        this.service = service;
    }

    @PostMapping(path = "/v1/attention", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Mono<AttentionResponse> attention(@RequestBody AttentionRequest request,
                                             @RequestHeader(name = RequestTimeout.HEADER, required = false) String timeout) {
        return service.attention(request, timeout);
    }
}
