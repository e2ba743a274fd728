package dev.llmplatform.gateway.completions;

import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.GenerationRequest;
import dev.llmplatform.gateway.GatewayProperties;
import dev.llmplatform.gateway.completions.CompletionRequestValidator.ValidCompletion;
import dev.llmplatform.gateway.completions.CompletionsProtocol.CompletionId;
import dev.llmplatform.gateway.completions.CompletionsProtocol.CompletionRequest;
import dev.llmplatform.gateway.generation.GenerationClient;
import dev.llmplatform.gateway.limits.GenerationAdmission;
import dev.llmplatform.gateway.models.ModelRegistry;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.time.InstantSource;
import java.util.UUID;

/**
 * Serves {@code /v1/completions}: validates the request against the model registry, publishes it
 * through the {@link GenerationClient} with a deadline, and answers with one JSON body or an SSE stream.
 */
@Service
public class CompletionsService {

    private final GenerationClient generation;
    private final GenerationAdmission admission;
    private final CompletionRequestValidator validator;
    private final GenerationRequestFactory requests;
    private final CompletionRenderer renderer;
    private final Duration requestTimeout;
    private final InstantSource clock = InstantSource.system();

    public CompletionsService(GenerationClient generation, GenerationAdmission admission, ModelRegistry registry,
                              GatewayProperties properties, JsonMapper json) {
        this.generation = generation;
        this.admission = admission;
        this.validator = new CompletionRequestValidator(registry);
        this.requests = new GenerationRequestFactory(properties.maxTokensDefault());
        this.renderer = new CompletionRenderer(json);
        this.requestTimeout = properties.requestTimeout();
    }

    /** A 200 with a JSON body or an event stream, or an error carrying its OpenAI error. */
    public Mono<ResponseEntity<?>> complete(CompletionRequest request) {
        return Mono.defer(() -> {
            ValidCompletion valid = validator.validate(request);
            long now = clock.millis();
            CompletionId id = new CompletionId("cmpl-" + UUID.randomUUID().toString().replace("-", ""),
                    now / 1000, valid.model().name());
            GenerationRequest generationRequest = requests.create(request, valid, id.id(), generation.replyTo(),
                    now, now + requestTimeout.toMillis());
            // Admitted (in-flight slot, token budget) only when the events are subscribed, i.e. about to be published.
            Flux<GenerationEvent> events = admission.admit(generationRequest, generation.generate(generationRequest));
            if (request.isStream()) {
                return Mono.just(ResponseEntity.ok().contentType(MediaType.TEXT_EVENT_STREAM)
                        .body(renderer.stream(events, id, request.includeUsageInStream())));
            }
            return renderer.whole(events, id).map(ResponseEntity::ok);
        });
    }
}
