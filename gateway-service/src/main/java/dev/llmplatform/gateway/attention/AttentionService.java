package dev.llmplatform.gateway.attention;

import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.TokenizerRequest;
import dev.llmplatform.gateway.GatewayProperties;
import dev.llmplatform.gateway.attention.AttentionProtocol.AttentionRequest;
import dev.llmplatform.gateway.attention.AttentionProtocol.AttentionResponse;
import dev.llmplatform.gateway.error.ApiException;
import dev.llmplatform.gateway.generation.GenerationClient;
import dev.llmplatform.gateway.models.ModelRegistry;
import dev.llmplatform.gateway.models.RegisteredModel;
import dev.llmplatform.gateway.serving.RequestTimeout;
import dev.llmplatform.gateway.serving.Unrecognized;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.time.InstantSource;
import java.util.UUID;

/**
 * Serves {@code /v1/attention} for encoders (bidirectional maps) and decoders (causal ones):
 * {@link TokenizerRequest.Attend} → tokenizer (which limits the prompt to 64 tokens) → inference,
 * answered on this instance's reply partition with one {@link GenerationEvent.Attention} or a {@code Failed}.
 */
@Service
public class AttentionService {

    private final GenerationClient client;
    private final ModelRegistry registry;
    private final Duration maxTimeout;
    private final InstantSource clock = InstantSource.system();

    public AttentionService(GenerationClient client, ModelRegistry registry, GatewayProperties properties) {
        this.client = client;
        this.registry = registry;
        this.maxTimeout = properties.requestTimeout();
    }

    /** @param timeoutHeader the client's {@code X-Request-Timeout}, or null */
    public Mono<AttentionResponse> attention(AttentionRequest request, String timeoutHeader) {
        return Mono.defer(() -> {
            RegisteredModel model = validate(request);
            long deadline = clock.millis() + RequestTimeout.resolve(timeoutHeader, maxTimeout).toMillis();
            var attend = new TokenizerRequest.Attend(TokenizerRequest.CURRENT_VERSION, newId(), model.name(),
                    request.prompt(), deadline, client.replyTo());
            return client.tokenizer(attend, deadline).map(event -> switch (event) {
                case GenerationEvent.Attention a -> new AttentionResponse(AttentionProtocol.OBJECT, model.name(),
                        model.kind(), a.causal(), a.tokens(), a.tokenIds(), a.layers(), a.heads(), a.weights());
                case GenerationEvent.Failed failed -> throw new ApiException(failed.error());
                default -> throw new ApiException(new ErrorInfo(502, "server_error",
                        "The platform answered with an unexpected " + event.getClass().getSimpleName(), null, null));
            });
        });
    }

    private RegisteredModel validate(AttentionRequest request) {
        Unrecognized.refuse(request.unrecognized(), "");
        String model = request.model();
        if (model == null || model.isBlank()) {
            throw ApiException.invalid("model", "You must provide a model parameter");
        }
        RegisteredModel found = registry.requireServing(model);
        if (request.prompt() == null) {
            throw ApiException.invalid("prompt", "You must provide a prompt");
        }
        if (request.prompt().isEmpty()) {
            throw ApiException.invalid("prompt", "The prompt must not be empty");
        }
        return found;
    }

    private static String newId() {
        return "att-" + UUID.randomUUID().toString().replace("-", "");
    }
}
