package dev.llmplatform.gateway.serving;

import dev.llmplatform.gateway.error.ApiException;
import dev.llmplatform.gateway.structured.StructuredOutputs;
import dev.llmplatform.gateway.models.ModelRegistry;
import dev.llmplatform.gateway.models.RegisteredModel;

import java.util.List;
import java.util.Map;

/**
 * Checks what completions and chat share before anything is published, with OpenAI's limits,
 * and answers the first problem as a 400 naming the parameter (404 for an unknown model). Whether
 * the prompt fits the context, and whether a {@code logit_bias} id is in the vocabulary, is left
 * to the tokenizer and the engine, the only ones that know the tokens.
 */
public final class SamplingValidator {

    public static final int MAX_STOP_SEQUENCES = 4;
    /** Choices one request may ask for; each takes a generation slot of its own. */
    public static final int MAX_CHOICES = 16;
    static final double MAX_LOGIT_BIAS = 100;

    private final ModelRegistry registry;

    public SamplingValidator(ModelRegistry registry) {
        this.registry = registry;
    }

    /** Checks the shared parameters and returns the model the request names. */
    public RegisteredModel validate(SamplingRequest request) {
        checkBody(request);
        checkSampling(request);
        checkStop(request.stop());
        checkLogitBias(request.logitBias());
        StructuredOutputs.check(request.structuredOutput());
        if (request.n() != null && (request.n() < 1 || request.n() > MAX_CHOICES)) {
            throw ApiException.invalid("n", "n must be in 1.." + MAX_CHOICES + ", got " + request.n());
        }
        Integer minTokens = request.minTokens();
        if (minTokens != null && (minTokens < 0
                || (request.requestedMaxTokens() != null && minTokens > request.requestedMaxTokens()))) {
            throw ApiException.invalid("min_tokens", "min_tokens must be in 0.." + (request.requestedMaxTokens() == null
                    ? "max_tokens" : request.requestedMaxTokens()) + ", got " + minTokens);
        }
        RegisteredModel model = registry.requireServing(request.model());
        if (!model.canGenerate()) {
            throw ApiException.invalid("model", "The model '" + model.name() + "' is an " + model.kind()
                    + " model and cannot generate text");
        }
        Integer maxTokens = request.requestedMaxTokens();
        if (maxTokens != null && model.contextLength() > 0 && maxTokens > model.contextLength()) {
            throw ApiException.invalid(request.maxTokensParam(), request.maxTokensParam() + " is " + maxTokens
                    + ", more than the model's context length of " + model.contextLength() + " tokens");
        }
        return model;
    }

    /**
     * What comes before any other check, so an endpoint can run its own checks between this and
     * {@link #validate}: a body, no unrecognized field, a model named.
     */
    public void checkBody(SamplingRequest request) {
        if (request == null) {
            throw ApiException.invalid(null, "The request needs a JSON body");
        }
        Unrecognized.refuse(request.unrecognized(), "");
        if (request.streamOptions() != null) {
            Unrecognized.refuse(request.streamOptions().unrecognized(), "stream_options.");
            if (!request.isStream()) {
                throw ApiException.invalid("stream_options", "stream_options is only allowed when stream is true");
            }
        }
        if (request.model() == null || request.model().isBlank()) {
            throw ApiException.invalid("model", "You must provide a model parameter");
        }
    }

    private static void checkSampling(SamplingRequest r) {
        Integer maxTokens = r.requestedMaxTokens();
        if (maxTokens != null && maxTokens <= 0) {
            throw ApiException.invalid(r.maxTokensParam(), r.maxTokensParam() + " must be at least 1, got " + maxTokens);
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
        if (r.repetitionPenalty() != null && !(r.repetitionPenalty() > 0 && Double.isFinite(r.repetitionPenalty()))) {
            throw ApiException.invalid("repetition_penalty", "repetition_penalty must be > 0, got " + r.repetitionPenalty());
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

    private static void checkLogitBias(Map<String, Double> bias) {
        if (bias == null) {
            return;
        }
        bias.forEach((token, value) -> {
            if (parseTokenId(token) < 0) {
                throw ApiException.invalid("logit_bias", "Invalid key in 'logit_bias': " + token
                        + ". You should only be submitting non-negative integers (token ids).");
            }
            if (value == null || !(value >= -MAX_LOGIT_BIAS && value <= MAX_LOGIT_BIAS)) {
                throw ApiException.invalid("logit_bias", "Invalid value for 'logit_bias' of token " + token
                        + ": expected a number in [-100, 100], got " + value);
            }
        });
    }

    /** The token id a {@code logit_bias} key names, or -1 when it names none. */
    static int parseTokenId(String key) {
        if (key == null || key.isEmpty() || key.length() > 9 || !key.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Integer.parseInt(key);
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

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
