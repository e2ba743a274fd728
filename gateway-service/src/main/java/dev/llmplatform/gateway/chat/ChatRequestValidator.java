package dev.llmplatform.gateway.chat;

import dev.llmplatform.contracts.ChatMessage;
import dev.llmplatform.contracts.OutputConstraint;
import dev.llmplatform.gateway.chat.ChatProtocol.ChatRequest;
import dev.llmplatform.gateway.error.ApiException;
import dev.llmplatform.gateway.models.ModelRegistry;
import dev.llmplatform.gateway.models.RegisteredModel;
import dev.llmplatform.gateway.serving.GenerationInput;
import dev.llmplatform.gateway.serving.SamplingValidator;
import dev.llmplatform.gateway.tools.ToolCalling;

import java.util.List;
import java.util.Locale;

/**
 * Checks a chat request: the shared sampling surface ({@link SamplingValidator}), then what only
 * chat has: the messages, {@code logprobs} with {@code top_logprobs} (0..20), and not both
 * {@code max_tokens} and {@code max_completion_tokens}; the tools ({@link ToolCalling}), whose enforced call takes
 * the place of a structured output (both at once are a 400).
 */
final class ChatRequestValidator {

    static final int MAX_TOP_LOGPROBS = 20;

    private final SamplingValidator sampling;

    ChatRequestValidator(ModelRegistry registry) {
        this.sampling = new SamplingValidator(registry);
    }

    GenerationInput validate(ChatRequest request) {
        sampling.checkBody(request);
        List<ChatMessage> messages = ChatMessages.of(request.messages());
        if (request.maxTokens() != null && request.maxCompletionTokens() != null) {
            throw ApiException.invalid("max_tokens", "Send max_completion_tokens or max_tokens, not both");
        }
        Integer top = request.topLogprobs();
        if (top != null && (top < 0 || top > MAX_TOP_LOGPROBS)) {
            throw ApiException.invalid("top_logprobs", "top_logprobs must be in 0.." + MAX_TOP_LOGPROBS + ", got " + top);
        }
        if (top != null && !request.wantsLogprobs()) {
            throw ApiException.invalid("top_logprobs", "top_logprobs needs logprobs to be true");
        }
        ToolCalling tools = ToolCalling.of(request.tools(), request.toolChoice(), request.parallelToolCalls());
        RegisteredModel model = sampling.validate(request);
        OutputConstraint enforced = tools.constraint(model.toolCallParser());
        if (tools.mode() == ToolCalling.Mode.AUTO && request.structuredOutput() != null) {
            enforced = null;   // auto guards calls only; the requested format is what the output must be
        }
        if (enforced != null && request.structuredOutput() != null) {
            throw ApiException.invalid("tool_choice", "tool_choice " + tools.mode().name().toLowerCase(Locale.ROOT)
                    + " enforces a tool call, which cannot be combined with " + request.structuredOutput().param());
        }
        Integer topLogprobs = request.wantsLogprobs() ? (top == null ? 0 : top) : null;
        return GenerationInput.ofMessages(request, model, messages, topLogprobs)
                .withTools(tools.templateTools(), enforced);
    }
}
