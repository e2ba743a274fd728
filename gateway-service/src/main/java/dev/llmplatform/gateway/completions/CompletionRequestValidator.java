package dev.llmplatform.gateway.completions;

import dev.llmplatform.gateway.completions.CompletionsProtocol.CompletionRequest;
import dev.llmplatform.gateway.error.ApiException;
import dev.llmplatform.gateway.models.ModelRegistry;
import dev.llmplatform.gateway.models.RegisteredModel;
import dev.llmplatform.gateway.serving.GenerationInput;
import dev.llmplatform.gateway.serving.Prompt;
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
        List<Prompt> prompts = prompts(request.prompt());
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

    /**
     * OpenAI's four forms: a string, a list of strings, a list of token ids, or a list of such lists;
     * a list holds several prompts, each answered by {@code n} choices.
     */
    private static List<Prompt> prompts(JsonNode prompt) {
        if (prompt == null || prompt.isNull() || (prompt.isArray() && prompt.isEmpty())) {
            throw ApiException.invalid("prompt", "You must provide a prompt");
        }
        if (!prompt.isArray()) {
            return List.of(Prompt.ofText(promptText(prompt, "The prompt must be a string, a list of strings, "
                    + "a list of token ids or a list of lists of token ids")));
        }
        if (prompt.get(0).isNumber()) {
            return List.of(Prompt.ofTokens(tokenIds(prompt)));
        }
        List<Prompt> prompts = new ArrayList<>(prompt.size());
        boolean tokens = prompt.get(0).isArray();
        for (JsonNode one : prompt) {
            if (tokens != one.isArray()) {
                throw ApiException.invalid("prompt", "A list of prompts must be all strings or all lists of token ids");
            }
            prompts.add(tokens ? Prompt.ofTokens(tokenIds(one))
                    : Prompt.ofText(promptText(one, "Every prompt in the list must be a string")));
        }
        return prompts;
    }

    private static List<Integer> tokenIds(JsonNode ids) {
        if (ids.isEmpty()) {
            throw ApiException.invalid("prompt", "The prompt must not be empty");
        }
        List<Integer> out = new ArrayList<>(ids.size());
        for (JsonNode id : ids) {
            if (!id.isIntegralNumber() || !id.canConvertToInt() || id.asInt() < 0) {
                throw ApiException.invalid("prompt", "Token ids must be non-negative integers, got " + id);
            }
            out.add(id.asInt());
        }
        return out;
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
