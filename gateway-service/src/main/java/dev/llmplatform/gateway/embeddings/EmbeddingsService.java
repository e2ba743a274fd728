package dev.llmplatform.gateway.embeddings;

import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.TokenizerRequest;
import dev.llmplatform.gateway.GatewayProperties;
import dev.llmplatform.gateway.embeddings.EmbeddingsProtocol.EmbeddingData;
import dev.llmplatform.gateway.embeddings.EmbeddingsProtocol.EmbeddingRequest;
import dev.llmplatform.gateway.embeddings.EmbeddingsProtocol.EmbeddingResponse;
import dev.llmplatform.gateway.embeddings.EmbeddingsProtocol.EmbeddingUsage;
import dev.llmplatform.gateway.error.ApiException;
import dev.llmplatform.gateway.generation.GenerationClient;
import dev.llmplatform.gateway.models.ModelRegistry;
import dev.llmplatform.gateway.serving.RequestTimeout;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * Serves {@code /v1/embeddings}: validates, then asks over Kafka like a tokenize request does
 * ({@link TokenizerRequest.Embed} → tokenizer → inference), the answer coming back on this
 * instance's reply partition as one {@link GenerationEvent.Embeddings} or a {@code Failed}.
 */
@Service
public class EmbeddingsService {

    private final GenerationClient client;
    private final EmbeddingRequestValidator validator;
    private final Duration maxTimeout;
    private final InstantSource clock = InstantSource.system();

    public EmbeddingsService(GenerationClient client, ModelRegistry registry, GatewayProperties properties) {
        this.client = client;
        this.validator = new EmbeddingRequestValidator(registry);
        this.maxTimeout = properties.requestTimeout();
    }

    /** @param timeoutHeader the client's {@code X-Request-Timeout}, or null */
    public Mono<EmbeddingResponse> embed(EmbeddingRequest request, String timeoutHeader) {
        return Mono.defer(() -> {
            List<String> inputs = validator.validate(request);
            long deadline = clock.millis() + RequestTimeout.resolve(timeoutHeader, maxTimeout).toMillis();
            var embed = new TokenizerRequest.Embed(TokenizerRequest.CURRENT_VERSION, newId(), request.model(), inputs,
                    deadline, client.replyTo());
            boolean base64 = EmbeddingRequestValidator.BASE64.equals(request.encodingFormat());
            return client.tokenizer(embed, deadline).map(event -> switch (event) {
                case GenerationEvent.Embeddings e -> response(request.model(), e, base64);
                case GenerationEvent.Failed failed -> throw new ApiException(failed.error());
                default -> throw new ApiException(new ErrorInfo(502, "server_error",
                        "The platform answered with an unexpected " + event.getClass().getSimpleName(), null, null));
            });
        });
    }

    private static EmbeddingResponse response(String model, GenerationEvent.Embeddings embeddings, boolean base64) {
        List<EmbeddingData> data = new ArrayList<>(embeddings.vectors().length);
        for (int i = 0; i < embeddings.vectors().length; i++) {
            float[] vector = embeddings.vectors()[i];
            data.add(new EmbeddingData(EmbeddingsProtocol.EMBEDDING, i, base64 ? base64(vector) : vector));
        }
        return new EmbeddingResponse(EmbeddingsProtocol.LIST, data, model,
                new EmbeddingUsage(embeddings.promptTokens(), embeddings.promptTokens()));
    }

    /** OpenAI's base64 format: the float32 values, little-endian, base64-encoded. */
    static String base64(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(vector);
        return Base64.getEncoder().encodeToString(bytes.array());
    }

    private static String newId() {
        return "emb-" + UUID.randomUUID().toString().replace("-", "");
    }
}
