package dev.llmplatform.gateway.completions;

import dev.llmplatform.gateway.completions.CompletionsProtocol.CompletionRequest;
import dev.llmplatform.gateway.error.ApiException;
import dev.llmplatform.gateway.models.ModelRegistry;
import dev.llmplatform.gateway.models.RegisteredModel;

import tools.jackson.databind.JsonNode;

import java.util.List;

/**
 * Checks a completion request before anything is published, with OpenAI's limits, and answers
 * the first problem as a 400 naming the parameter (404 for an unknown model). Whether the prompt
 * fits the context is left to the tokenizer-service, the only one that can count its tokens.
 */
final class CompletionRequestValidator {

    static final int MAX_STOP_SEQUENCES = 4;

    private final ModelRegistry registry;

    CompletionRequestValidator(ModelRegistry registry) {
        this.registry = registry;
    }

    /** A request that passed: the model it names and its prompt text. */
    record ValidCompletion(RegisteredModel model, String prompt) {
    }

    ValidCompletion validate(CompletionRequest request) {
        if (request == null) {
            throw ApiException.invalid(null, "The request needs a JSON body");
        }
        if (request.model() == null || request.model().isBlank()) {
            throw ApiException.invalid("model", "You must provide a model parameter");
        }
        String prompt = promptText(request.prompt());
        checkSampling(request);
        checkStop(request.stop());
        if (request.n() != null && request.n() != 1) {
            throw ApiException.invalid("n", "Only n = 1 is supported, got " + request.n());
        }
        RegisteredModel model = registry.find(request.model())
                .orElseThrow(() -> ApiException.modelNotFound(request.model()));
        if (!model.canGenerate()) {
            throw ApiException.invalid("model", "The model '" + model.name() + "' is an " + model.kind()
                    + " model and cannot generate text");
        }
        if (request.maxTokens() != null && model.contextLength() > 0 && request.maxTokens() > model.contextLength()) {
            throw ApiException.invalid("max_tokens", "max_tokens is " + request.maxTokens()
                    + ", more than the model's context length of " + model.contextLength() + " tokens");
        }
        return new ValidCompletion(model, prompt);
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

    private static void checkSampling(CompletionRequest r) {
        if (r.maxTokens() != null && r.maxTokens() <= 0) {
            throw ApiException.invalid("max_tokens", "max_tokens must be at least 1, got " + r.maxTokens());
        }
        inRange("temperature", r.temperature(), 0, true, 2);
        if (r.topP() != null && !(r.topP() > 0 && r.topP() <= 1)) {
            throw ApiException.invalid("top_p", "top_p must be in (0, 1], got " + r.topP());
        }
        if (r.topK() != null && r.topK() < -1) {
            throw ApiException.invalid("top_k", "top_k must be -1 or 0 (off) or positive, got " + r.topK());
        }
        inRange("min_p", r.minP(), 0, true, 1);
        inRange("presence_penalty", r.presencePenalty(), -2, true, 2);
        inRange("frequency_penalty", r.frequencyPenalty(), -2, true, 2);
        inRange("repetition_penalty", r.repetitionPenalty(), 0, false, 2);
    }

    private static void inRange(String param, Double value, double min, boolean minIncluded, double max) {
        if (value == null) {
            return;
        }
        boolean aboveMin = minIncluded ? value >= min : value > min;
        if (!aboveMin || !(value <= max)) {
            throw ApiException.invalid(param, param + " must be in " + (minIncluded ? "[" : "(") + fmt(min) + ", "
                    + fmt(max) + "], got " + value);
        }
    }

    private static void checkStop(List<String> stop) {
        if (stop == null) {
            return;
        }
        if (stop.size() > MAX_STOP_SEQUENCES) {
            throw ApiException.invalid("stop", "At most " + MAX_STOP_SEQUENCES + " stop sequences are allowed, got "
                    + stop.size());
        }
        if (stop.stream().anyMatch(s -> s == null || s.isEmpty())) {
            throw ApiException.invalid("stop", "Stop sequences must not be empty");
        }
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
