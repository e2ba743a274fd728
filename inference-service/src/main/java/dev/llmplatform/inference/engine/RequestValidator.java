package dev.llmplatform.inference.engine;

import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.SamplingParams;
import dev.llmplatform.inference.engine.kv.KvCacheBudget;
import dev.llmplatform.inference.engine.sampling.Sampler;

/** Checks a request against the model and the engine's limits before it is queued. */
final class RequestValidator {

    private RequestValidator() {
    }

    /** Null when the request can run, else the error to answer with (HTTP 400 semantics). */
    static ErrorInfo check(EngineRequest request, Decoder decoder, KvCacheBudget budget) {
        int vocab = decoder.vocabSize();
        int context = decoder.contextLength();
        int[] prompt = request.promptTokenIds();
        if (prompt.length == 0) {
            return ErrorInfo.invalidRequest("prompt must have at least one token", "prompt");
        }
        if (prompt.length >= context) {
            return new ErrorInfo(400, "invalid_request_error", "prompt of " + prompt.length
                    + " tokens leaves no room in the model's context of " + context + " tokens",
                    "prompt", "context_length_exceeded");
        }
        for (int id : prompt) {
            if (id < 0 || id >= vocab) {
                return ErrorInfo.invalidRequest("prompt token id " + id + " is outside the vocabulary (0.." + (vocab - 1) + ")", "prompt");
            }
        }
        if (request.maxTokens() <= 0) {
            return ErrorInfo.invalidRequest("max_tokens must be > 0", "max_tokens");
        }
        Integer promptTop = request.promptLogprobs();
        if (promptTop != null && (promptTop < 0 || promptTop > Sampler.MAX_TOP_LOGPROBS)) {
            return ErrorInfo.invalidRequest("prompt logprobs must be in 0.." + Sampler.MAX_TOP_LOGPROBS, "logprobs");
        }
        ErrorInfo sampling = checkSampling(request.sampling(), vocab);
        if (sampling != null) {
            return sampling;
        }
        int reserved = Sequence.reservedTokens(request, context);
        if (!budget.couldEverFit(reserved)) {
            return ErrorInfo.invalidRequest("request needs " + budget.bytesFor(reserved) + " bytes of KV cache, the engine has "
                    + budget.totalBytes() + ": lower max_tokens or the prompt", "max_tokens");
        }
        return null;
    }

    static ErrorInfo checkSampling(SamplingParams p, int vocab) {
        if (!(p.temperature() >= 0)) {
            return ErrorInfo.invalidRequest("temperature must be >= 0", "temperature");
        }
        if (!(p.topP() > 0 && p.topP() <= 1)) {
            return ErrorInfo.invalidRequest("top_p must be in (0, 1]", "top_p");
        }
        if (p.topK() < 0) {
            return ErrorInfo.invalidRequest("top_k must be >= 0", "top_k");
        }
        if (!(p.minP() >= 0 && p.minP() <= 1)) {
            return ErrorInfo.invalidRequest("min_p must be in [0, 1]", "min_p");
        }
        if (!(p.repetitionPenalty() > 0)) {
            return ErrorInfo.invalidRequest("repetition_penalty must be > 0", "repetition_penalty");
        }
        if (!Double.isFinite(p.presencePenalty()) || !Double.isFinite(p.frequencyPenalty())) {
            return ErrorInfo.invalidRequest("presence and frequency penalties must be finite", "presence_penalty");
        }
        if (p.logprobs() != null && (p.logprobs() < 0 || p.logprobs() > Sampler.MAX_TOP_LOGPROBS)) {
            return ErrorInfo.invalidRequest("top logprobs must be in 0.." + Sampler.MAX_TOP_LOGPROBS, "top_logprobs");
        }
        for (var bias : p.logitBias().entrySet()) {
            if (bias.getKey() < 0 || bias.getKey() >= vocab || !Double.isFinite(bias.getValue())) {
                return ErrorInfo.invalidRequest("logit_bias token " + bias.getKey() + " is outside the vocabulary or its bias is not finite", "logit_bias");
            }
        }
        return null;
    }
}
