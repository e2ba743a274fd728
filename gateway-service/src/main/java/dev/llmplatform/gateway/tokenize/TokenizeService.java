package dev.llmplatform.gateway.tokenize;

import dev.llmplatform.contracts.ChatMessage;
import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.TokenizerRequest;
import dev.llmplatform.gateway.GatewayProperties;
import dev.llmplatform.gateway.chat.ChatMessages;
import dev.llmplatform.gateway.error.ApiException;
import dev.llmplatform.gateway.generation.GenerationClient;
import dev.llmplatform.gateway.models.ModelRegistry;
import dev.llmplatform.gateway.serving.RequestTimeout;
import dev.llmplatform.gateway.serving.Unrecognized;
import dev.llmplatform.gateway.tokenize.TokenizeProtocol.DetokenizeRequest;
import dev.llmplatform.gateway.tokenize.TokenizeProtocol.DetokenizeResponse;
import dev.llmplatform.gateway.tokenize.TokenizeProtocol.TokenizeRequest;
import dev.llmplatform.gateway.tokenize.TokenizeProtocol.TokenizeResponse;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Tokenize and detokenize through the tokenizer-service over Kafka ({@link TokenizerRequest}), the
 * answer coming back on this instance's reply partition like generation events. The model must be
 * one the gateway serves; what the tokenizer refuses (no chat template, an id outside the
 * vocabulary) comes back as its error.
 */
@Service
public class TokenizeService {

    private final GenerationClient client;
    private final ModelRegistry registry;
    private final Duration maxTimeout;
    private final InstantSource clock = InstantSource.system();

    public TokenizeService(GenerationClient client, ModelRegistry registry, GatewayProperties properties) {
        this.client = client;
        this.registry = registry;
        this.maxTimeout = properties.requestTimeout();
    }

    public Mono<TokenizeResponse> tokenize(TokenizeRequest request, String timeoutHeader) {
        return Mono.defer(() -> {
            String model = checkModel(request.model(), request.unrecognized());
            if ((request.prompt() == null) == (request.messages() == null)) {
                throw ApiException.invalid("prompt", "Send exactly one of prompt and messages");
            }
            List<ChatMessage> messages = request.messages() == null ? null : ChatMessages.of(request.messages());
            boolean special = request.addSpecialTokens() != null ? request.addSpecialTokens() : messages == null;
            if (request.chatTemplateKwargs() != null && messages == null) {
                throw ApiException.invalid("chat_template_kwargs", "chat_template_kwargs needs messages");
            }
            var tokenize = new TokenizerRequest.Tokenize(TokenizerRequest.CURRENT_VERSION, newId(), model,
                    request.prompt(), messages, special, client.replyTo(), request.chatTemplateKwargs());
            return ask(tokenize, timeoutHeader).map(event -> switch (event) {
                case GenerationEvent.Tokenized t -> new TokenizeResponse(t.tokenIds().size(), t.maxModelLength(),
                        t.tokenIds(), t.tokens());
                default -> throw unexpected(event);
            });
        });
    }

    public Mono<DetokenizeResponse> detokenize(DetokenizeRequest request, String timeoutHeader) {
        return Mono.defer(() -> {
            String model = checkModel(request.model(), request.unrecognized());
            if (request.tokens() == null) {
                throw ApiException.invalid("tokens", "You must provide tokens, a list of token ids");
            }
            if (request.tokens().stream().anyMatch(id -> id == null || id < 0)) {
                throw ApiException.invalid("tokens", "Token ids must be non-negative integers");
            }
            var detokenize = new TokenizerRequest.Detokenize(TokenizerRequest.CURRENT_VERSION, newId(), model,
                    request.tokens(), client.replyTo());
            return ask(detokenize, timeoutHeader).map(event -> switch (event) {
                case GenerationEvent.Detokenized d -> new DetokenizeResponse(d.text());
                default -> throw unexpected(event);
            });
        });
    }

    /** The body is never null: a request without one is refused by WebFlux before it gets here. */
    private String checkModel(String model, Map<String, JsonNode> unrecognized) {
        Unrecognized.refuse(unrecognized, "");
        if (model == null || model.isBlank()) {
            throw ApiException.invalid("model", "You must provide a model parameter");
        }
        ModelRegistry.requireValidName(model, "model");
        return registry.find(model).orElseThrow(() -> ApiException.modelNotFound(model)).name();
    }

    private Mono<GenerationEvent> ask(TokenizerRequest request, String timeoutHeader) {
        Duration timeout = RequestTimeout.resolve(timeoutHeader, maxTimeout);
        return client.tokenizer(request, clock.millis() + timeout.toMillis());
    }

    private static ApiException unexpected(GenerationEvent event) {
        if (event instanceof GenerationEvent.Failed failed) {
            return new ApiException(failed.error());
        }
        return new ApiException(new ErrorInfo(502, "server_error",
                "The tokenizer answered with an unexpected " + event.getClass().getSimpleName(), null, null));
    }

    private static String newId() {
        return "tok-" + UUID.randomUUID().toString().replace("-", "");
    }
}
