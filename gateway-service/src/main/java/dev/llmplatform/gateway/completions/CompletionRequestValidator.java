package dev.llmplatform.gateway.completions;

import dev.llmplatform.gateway.completions.CompletionsProtocol.CompletionRequest;
import dev.llmplatform.gateway.error.ApiException;
import dev.llmplatform.gateway.models.ModelRegistry;
import dev.llmplatform.gateway.models.RegisteredModel;
import dev.llmplatform.gateway.serving.GenerationInput;
import dev.llmplatform.gateway.serving.SamplingValidator;
import tools.jackson.databind.JsonNode;

/**
 * Checks a completion request: the shared sampling surface ({@link SamplingValidator}), then what
 * only completions have: the prompt, {@code logprobs} (0..5 alternatives, OpenAI's limit) and {@code echo};
 * both together also score the prompt's tokens.
 */
final class CompletionRequestValidator {

    static final int MAX_LOGPROBS = 5;

    private final SamplingValidator sampling;

    CompletionRequestValidator(ModelRegistry registry) {
        this.sampling = new SamplingValidator(registry);
    }

    GenerationInput validate(CompletionRequest request) {
        sampling.checkBody(request);
        String prompt = promptText(request.prompt());
        checkLogprobs(request);
        RegisteredModel model = sampling.validate(request);
        Integer promptLogprobs = request.isEcho() ? request.logprobs() : null;
        return GenerationInput.ofPrompt(request, model, prompt, request.logprobs(), promptLogprobs);
    }

    private static void checkLogprobs(CompletionRequest request) {
        Integer logprobs = request.logprobs();
        if (logprobs != null && (logprobs < 0 || logprobs > MAX_LOGPROBS)) {
            throw ApiException.invalid("logprobs", "logprobs must be in 0.." + MAX_LOGPROBS + ", got " + logprobs);
        }
    }

    private static String promptText(JsonNode prompt) {
        if (prompt == null || prompt.isNull() || (prompt.isArray() && prompt.isEmpty())) {
            throw ApiException.invalid("prompt", "You must provide a prompt");
        }
        JsonNode text = prompt;
        if (prompt.isArray()) {
            text = prompt.get(0);
            if (text.isNumber() || text.isArray()) {
                throw ApiException.invalid("prompt", "Prompts of token ids are not supported: send the prompt as text");
            }
            if (prompt.size() > 1) {
                throw ApiException.invalid("prompt", "Only one prompt per request is supported, got " + prompt.size());
            }
        }
        if (!text.isString()) {
            throw ApiException.invalid("prompt", "The prompt must be a string or an array with one string");
        }
        if (text.asString().isEmpty()) {
            throw ApiException.invalid("prompt", "The prompt must not be empty");
        }
        return text.asString();
    }
}
