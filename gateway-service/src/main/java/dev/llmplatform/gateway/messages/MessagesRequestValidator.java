package dev.llmplatform.gateway.messages;

import dev.llmplatform.contracts.ChatMessage;
import dev.llmplatform.gateway.error.ApiException;
import dev.llmplatform.gateway.messages.MessagesProtocol.CountTokensRequest;
import dev.llmplatform.gateway.messages.MessagesProtocol.MessagesRequest;
import dev.llmplatform.gateway.messages.MessagesProtocol.Metadata;
import dev.llmplatform.gateway.messages.MessagesProtocol.ThinkingConfig;
import dev.llmplatform.gateway.models.ModelRegistry;
import dev.llmplatform.gateway.models.RegisteredModel;
import dev.llmplatform.gateway.serving.GenerationInput;
import dev.llmplatform.gateway.serving.SamplingValidator;
import dev.llmplatform.gateway.tools.ToolCalling;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a Messages request with Anthropic's rules (required {@code max_tokens}, temperature in 0..1,
 * text, tool_use and tool_result blocks; tools mapped onto chat's by {@link MessagesTools}), then the sampling surface chat completions share
 * ({@link SamplingValidator}: the model exists and generates, {@code max_tokens} fits its context).
 * The first problem is a 400 naming the field (404 for an unknown model); nothing is published.
 */
final class MessagesRequestValidator {

    private static final Set<String> THINKING_TYPES = Set.of("enabled", "disabled");
    /** The chat-template variable thinking models (Qwen3) read, as vLLM's {@code chat_template_kwargs} pass it. */
    static final String ENABLE_THINKING = "enable_thinking";

    private final SamplingValidator sampling;

    MessagesRequestValidator(ModelRegistry registry) {
        this.sampling = new SamplingValidator(registry);
    }

    /**
     * @param showThinking false when the request disabled thinking: the template is asked not to think
     *                     ({@code enable_thinking: false}) and any thinking is left out of the answer
     */
    record Validated(GenerationInput input, int maxTokens, boolean showThinking, ToolCalling tools) {
        RegisteredModel model() {
            return input.model();
        }

        List<ChatMessage> conversation() {
            return input.messages();
        }
    }

    Validated validate(MessagesRequest request) {
        if (request == null) {
            throw ApiException.invalid(null, "The request needs a JSON body");
        }
        Conversation.refuseUnknown(request.unrecognized(), "");
        ToolCalling tools = MessagesTools.of(request.tools(), request.toolChoice());
        requireModel(request.model());
        List<ChatMessage> conversation = Conversation.of(request.system(), request.messages());
        if (request.maxTokens() == null) {
            throw ApiException.invalid("max_tokens", "Field required");
        }
        checkStopSequences(request.stopSequences());
        if (request.temperature() != null && !(request.temperature() >= 0 && request.temperature() <= 1)) {
            throw ApiException.invalid("temperature", "temperature must be in [0, 1], got " + request.temperature());
        }
        if (request.topK() != null && request.topK() < 0) {
            throw ApiException.invalid("top_k", "top_k must be at least 0 (0: off), got " + request.topK());
        }
        Metadata metadata = request.metadata();
        if (metadata != null) {
            Conversation.refuseUnknown(metadata.unrecognized(), "metadata");
        }
        boolean showThinking = checkThinking(request.thinking());
        MessagesSampling surface = new MessagesSampling(request.model(), request.maxTokens(), request.temperature(),
                request.topP(), request.topK(), request.stopSequences(), request.stream(),
                metadata == null ? null : metadata.userId(), templateKwargs(request.thinking()));
        RegisteredModel model = sampling.validate(surface);
        return new Validated(GenerationInput.ofMessages(surface, model, conversation, null)
                .withTools(tools.templateTools(), tools.constraint(model.toolCallParser())), request.maxTokens(),
                showThinking, tools);
    }

    /** The conversation a count_tokens request renders, and the model it names (404 when unknown). */
    List<ChatMessage> validate(CountTokensRequest request) {
        if (request == null) {
            throw ApiException.invalid(null, "The request needs a JSON body");
        }
        Conversation.refuseUnknown(request.unrecognized(), "");
        MessagesTools.of(request.tools(), request.toolChoice());
        requireModel(request.model());
        checkThinking(request.thinking());
        return Conversation.of(request.system(), request.messages());
    }

    private static void requireModel(String model) {
        if (model == null || model.isBlank()) {
            throw ApiException.invalid("model", "Field required");
        }
    }

    private static void checkStopSequences(List<String> stops) {
        if (stops == null) {
            return;
        }
        if (stops.size() > SamplingValidator.MAX_STOP_SEQUENCES) {
            throw ApiException.invalid("stop_sequences", "At most " + SamplingValidator.MAX_STOP_SEQUENCES
                    + " stop sequences are supported, got " + stops.size());
        }
        for (int i = 0; i < stops.size(); i++) {
            if (stops.get(i) == null || stops.get(i).isEmpty()) {
                throw ApiException.invalid("stop_sequences." + i, "Stop sequences must not be empty");
            }
        }
    }

    /** What the chat template is given: {@code enable_thinking: false} when thinking is disabled, else nothing. */
    static Map<String, Object> templateKwargs(ThinkingConfig thinking) {
        return thinking != null && thinking.disabled() ? Map.of(ENABLE_THINKING, false) : null;
    }

    /** True unless thinking is disabled. */
    private static boolean checkThinking(ThinkingConfig thinking) {
        if (thinking == null) {
            return true;
        }
        Conversation.refuseUnknown(thinking.unrecognized(), "thinking");
        if (thinking.type() == null || !THINKING_TYPES.contains(thinking.type())) {
            throw ApiException.invalid("thinking.type", "Input should be 'enabled' or 'disabled'");
        }
        if (thinking.budgetTokens() != null && thinking.budgetTokens() < 1) {
            throw ApiException.invalid("thinking.budget_tokens", "budget_tokens must be at least 1");
        }
        return !thinking.disabled();
    }
}
