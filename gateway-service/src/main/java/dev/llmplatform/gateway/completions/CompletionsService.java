package dev.llmplatform.gateway.completions;

import dev.llmplatform.gateway.completions.CompletionsProtocol.CompletionRequest;
import dev.llmplatform.gateway.models.ModelRegistry;
import dev.llmplatform.gateway.serving.GenerationInput;
import dev.llmplatform.gateway.serving.GenerationServing;
import dev.llmplatform.gateway.serving.Prompt;
import dev.llmplatform.gateway.tokenize.TokenizeProtocol.DetokenizeRequest;
import dev.llmplatform.gateway.tokenize.TokenizeProtocol.DetokenizeResponse;
import dev.llmplatform.gateway.tokenize.TokenizeService;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.Map;

/**
 * Serves {@code /v1/completions}: validates the request, then hands it to {@link GenerationServing}.
 * An {@code echo} of a token-id prompt echoes its text, which the tokenizer-service decodes first.
 */
@Service
public class CompletionsService {

    private final GenerationServing serving;
    private final CompletionRequestValidator validator;
    private final TokenizeService tokenize;

    public CompletionsService(GenerationServing serving, ModelRegistry registry, TokenizeService tokenize) {
        this.serving = serving;
        this.validator = new CompletionRequestValidator(registry);
        this.tokenize = tokenize;
    }

    /**
     * A 200 with a JSON body or an event stream, or an error carrying its OpenAI error.
     *
     * @param timeoutHeader the client's {@code X-Request-Timeout}, or null
     */
    public Mono<ResponseEntity<?>> complete(CompletionRequest request, String timeoutHeader) {
        return Mono.defer(() -> {
            GenerationInput input = validator.validate(request);
            Mono<List<String>> echoed = request.isEcho() ? texts(input, timeoutHeader) : Mono.just(List.of());
            return echoed.flatMap(texts -> serving.serve(input, "cmpl-", timeoutHeader,
                    new CompletionFormat(request.logprobs() != null, request.isEcho() ? texts : null, request.choices())));
        });
    }

    /** Each prompt's text, in order: as sent, or decoded from its token ids. */
    private Mono<List<String>> texts(GenerationInput input, String timeoutHeader) {
        return Flux.fromIterable(input.prompts())
                .concatMap(prompt -> prompt.text() != null ? Mono.just(prompt.text()) : decoded(input, prompt, timeoutHeader))
                .collectList();
    }

    private Mono<String> decoded(GenerationInput input, Prompt prompt, String timeoutHeader) {
        return tokenize.detokenize(new DetokenizeRequest(input.model().name(), prompt.tokenIds(), Map.of()), timeoutHeader)
                .map(DetokenizeResponse::prompt);
    }
}
