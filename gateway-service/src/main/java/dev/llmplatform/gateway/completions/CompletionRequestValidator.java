package dev.llmplatform.gateway.completions;

import dev.llmplatform.gateway.completions.CompletionsProtocol.CompletionRequest;
import dev.llmplatform.gateway.error.ApiException;
import dev.llmplatform.gateway.models.ModelRegistry;
import dev.llmplatform.gateway.models.RegisteredModel;
import dev.llmplatform.gateway.serving.GenerationInput;
import dev.llmplatform.gateway.serving.SamplingValidator;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks a completion request: the shared sampling surface ({@link SamplingValidator}), then what
 * only completions have: the prompt, {@code logprobs} (0..5 alternatives, OpenAI's limit) and {@code echo};
 * both together also score the prompt's tokens.
 */
final class CompletionRequestValidator {

    static final int MAX_LOGPROBS = 5;
    /** Prompts × n: every choice is a generation of its own, admitted and rate-limited as one. */
    static final int MAX_CHOICES = 64;

    private final SamplingValidator sampling;

    CompletionRequestValidator(ModelRegistry registry) {
        this.sampling = new SamplingValidator(registry);
    }

    GenerationInput validate(CompletionRequest request) {
        sampling.checkBody(request);
        List<String> prompts = promptTexts(request.prompt());
        checkLogprobs(request);
        RegisteredModel model = sampling.validate(request);
        if (prompts.size() * request.choices() > MAX_CHOICES) {
            throw ApiException.invalid(prompts.size() > 1 ? "prompt" : "n", "At most " + MAX_CHOICES
                    + " choices per request: " + prompts.size() + " prompts × n = " + request.choices() + " is too many");
        }
        Integer promptLogprobs = request.isEcho() ? request.logprobs() : null;
        return GenerationInput.ofPrompts(request, model, prompts, request.logprobs(), promptLogprobs);
    }

    private static void checkLogprobs(CompletionRequest request) {
        Integer logprobs = request.logprobs();
        if (logprobs != null && (logprobs < 0 || logprobs > MAX_LOGPROBS)) {
            throw ApiException.invalid("logprobs", "logprobs must be in 0.." + MAX_LOGPROBS + ", got " + logprobs);
        }
    }

    /** A string, or a list of strings (a batch: each gets {@code n} choices); token-id prompts are refused. */
    private static List<String> promptTexts(JsonNode prompt) {
        if (prompt == null || prompt.isNull() || (prompt.isArray() && prompt.isEmpty())) {
            throw ApiException.invalid("prompt", "You must provide a prompt");
        }
        if (!prompt.isArray()) {
            return List.of(promptText(prompt, "The prompt must be a string or a list of strings"));
        }
        if (prompt.get(0).isNumber() || prompt.get(0).isArray()) {
            throw ApiException.invalid("prompt", "Prompts of token ids are not supported: send the prompt as text");
        }
        List<String> prompts = new ArrayList<>(prompt.size());
        for (JsonNode text : prompt) {
            prompts.add(promptText(text, "Every prompt in the list must be a string"));
        }
        return prompts;
    }

    private static String promptText(JsonNode text, String notAString) {
        if (!text.isString()) {
            throw ApiException.invalid("prompt", notAString);
        }
        if (text.asString().isEmpty()) {
            throw ApiException.invalid("prompt", "The prompt must not be empty");
        }
        return text.asString();
    }
}
