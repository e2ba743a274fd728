package dev.llmplatform.gateway.chat;

import dev.llmplatform.gateway.chat.ChatProtocol.ChatRequest;
import dev.llmplatform.gateway.models.ModelRegistry;
import dev.llmplatform.gateway.serving.GenerationInput;
import dev.llmplatform.gateway.serving.GenerationServing;
import dev.llmplatform.gateway.tools.ToolCallParsers;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * Serves {@code /v1/chat/completions}: validates the request, then hands the messages to
 * {@link GenerationServing}; the tokenizer-service renders them with the model's chat template.
 */
@Service
public class ChatService {

    private final GenerationServing serving;
    private final ChatRequestValidator validator;

    public ChatService(GenerationServing serving, ModelRegistry registry) {
        this.serving = serving;
        this.validator = new ChatRequestValidator(registry);
    }

    /** @param timeoutHeader the client's {@code X-Request-Timeout}, or null */
    public Mono<ResponseEntity<?>> complete(ChatRequest request, String timeoutHeader) {
        return Mono.defer(() -> {
            GenerationInput input = validator.validate(request);
            ChatFormat format = new ChatFormat(request.wantsLogprobs(), input.model().reasoningParser(),
                    input.model().reasoningEndTokenId(), input.tools() == null ? null : ToolCallParsers.resolve(input.model().toolCallParser()));
            return serving.serve(input, "chatcmpl-", timeoutHeader, format);
        });
    }
}
