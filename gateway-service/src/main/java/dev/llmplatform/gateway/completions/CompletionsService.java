package dev.llmplatform.gateway.completions;

import dev.llmplatform.gateway.completions.CompletionsProtocol.CompletionRequest;
import dev.llmplatform.gateway.models.ModelRegistry;
import dev.llmplatform.gateway.serving.GenerationInput;
import dev.llmplatform.gateway.serving.GenerationServing;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/** Serves {@code /v1/completions}: validates the request, then hands it to {@link GenerationServing}. */
@Service
public class CompletionsService {

    private final GenerationServing serving;
    private final CompletionRequestValidator validator;

    public CompletionsService(GenerationServing serving, ModelRegistry registry) {
        this.serving = serving;
        this.validator = new CompletionRequestValidator(registry);
    }

    /**
     * A 200 with a JSON body or an event stream, or an error carrying its OpenAI error.
     *
     * @param timeoutHeader the client's {@code X-Request-Timeout}, or null
     */
    public Mono<ResponseEntity<?>> complete(CompletionRequest request, String timeoutHeader) {
        return Mono.defer(() -> {
            GenerationInput input = validator.validate(request);
            var format = new CompletionFormat(request.logprobs() != null, request.isEcho() ? input.prompts() : null,
                    request.choices());
            return serving.serve(input, "cmpl-", timeoutHeader, format);
        });
    }
}
