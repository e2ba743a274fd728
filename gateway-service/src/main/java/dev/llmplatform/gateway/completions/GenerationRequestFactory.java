package dev.llmplatform.gateway.completions;

import dev.llmplatform.contracts.GenerationRequest;
import dev.llmplatform.contracts.ReplyTo;
import dev.llmplatform.contracts.SamplingParams;
import dev.llmplatform.gateway.completions.CompletionRequestValidator.ValidCompletion;
import dev.llmplatform.gateway.completions.CompletionsProtocol.CompletionRequest;
import dev.llmplatform.gateway.models.RegisteredModel;
import dev.llmplatform.model.GenerationDefaults;

import java.util.List;
import java.util.Map;

/**
 * Turns a validated OpenAI request into the platform's {@link GenerationRequest}. A setting the
 * request leaves out comes from the model's {@code generation_config.json} (as vLLM does), and
 * only then from OpenAI's defaults: temperature 1, top_p 1, no top_k.
 */
final class GenerationRequestFactory {

    private static final double OPENAI_TEMPERATURE = 1.0;
    private static final double OPENAI_TOP_P = 1.0;

    private final int maxTokensDefault;

    GenerationRequestFactory(int maxTokensDefault) {
        this.maxTokensDefault = maxTokensDefault;
    }

    GenerationRequest create(CompletionRequest request, ValidCompletion valid, String requestId, ReplyTo replyTo,
                             long nowEpochMs, long deadlineEpochMs) {
        RegisteredModel model = valid.model();
        int maxTokens = request.maxTokens() != null ? request.maxTokens() : maxTokensDefault;
        if (model.contextLength() > 0) {
            maxTokens = Math.min(maxTokens, model.contextLength());
        }
        return new GenerationRequest(GenerationRequest.CURRENT_VERSION, requestId, model.name(),
                valid.prompt(), null, maxTokens, sampling(request, model.defaults()),
                request.stop() == null ? List.of() : request.stop(), request.isStream(), replyTo,
                nowEpochMs, deadlineEpochMs);
    }

    static SamplingParams sampling(CompletionRequest r, GenerationDefaults model) {
        double temperature = first(r.temperature(), model.temperature(), OPENAI_TEMPERATURE);
        double topP = first(r.topP(), model.topP(), OPENAI_TOP_P);
        int topK = Math.max(0, first(r.topK(), model.topK(), 0));   // -1 and 0 both mean off
        return new SamplingParams(temperature, topP, topK,
                r.minP() == null ? 0 : r.minP(),
                r.repetitionPenalty() == null ? 1 : r.repetitionPenalty(),
                r.presencePenalty() == null ? 0 : r.presencePenalty(),
                r.frequencyPenalty() == null ? 0 : r.frequencyPenalty(),
                r.seed(), Map.of(), null);
    }

    private static <T> T first(T requested, T modelDefault, T openAiDefault) {
        return requested != null ? requested : modelDefault != null ? modelDefault : openAiDefault;
    }
}
