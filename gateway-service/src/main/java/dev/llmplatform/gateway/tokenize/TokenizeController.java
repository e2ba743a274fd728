package dev.llmplatform.gateway.tokenize;

import dev.llmplatform.gateway.serving.RequestTimeout;
import dev.llmplatform.gateway.tokenize.TokenizeProtocol.DetokenizeRequest;
import dev.llmplatform.gateway.tokenize.TokenizeProtocol.DetokenizeResponse;
import dev.llmplatform.gateway.tokenize.TokenizeProtocol.TokenizeRequest;
import dev.llmplatform.gateway.tokenize.TokenizeProtocol.TokenizeResponse;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code POST /v1/tokenize} and {@code POST /v1/detokenize}, as vLLM serves them. */
@RestController
public class TokenizeController {

    private final TokenizeService service;

    public TokenizeController(TokenizeService service) {
        this.service = service;
    }

    @PostMapping(path = "/v1/tokenize", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Mono<TokenizeResponse> tokenize(@RequestBody TokenizeRequest request,
                                           @RequestHeader(name = RequestTimeout.HEADER, required = false) String timeout) {
        return service.tokenize(request, timeout);
    }

    @PostMapping(path = "/v1/detokenize", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Mono<DetokenizeResponse> detokenize(@RequestBody DetokenizeRequest request,
                                               @RequestHeader(name = RequestTimeout.HEADER, required = false) String timeout) {
        return service.detokenize(request, timeout);
    }
}
