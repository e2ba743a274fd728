package dev.llmplatform.contracts;

import java.util.List;
import java.util.Objects;

/**
 * A tokenized prompt for the inference engine, on {@code llm.inference.requests}, keyed by request id.
 *
 * @param stopTokenIds   token ids that end the sequence (the model's EOS ids)
 * @param promptLogprobs null for none, else the engine also scores every prompt token (with this many top
 *                       alternatives) and sends them on the request's first token event
 * @param priority       lower is served first (vLLM's convention), copied from the {@link GenerationRequest}; added
 *                       without a version bump: a record from an older tokenizer (null) reads as 0
 */
public record InferenceRequest(
        int schemaVersion,
        String requestId,
        String model,
        String version,
        List<Integer> promptTokenIds,
        int maxTokens,
        SamplingParams sampling,
        List<Integer> stopTokenIds,
        long deadlineEpochMs,
        long createdEpochMs,
        DecodeContext decode,
        Integer promptLogprobs,
        Integer priority) implements Versioned {

    public static final int CURRENT_VERSION = 1;

    public InferenceRequest {
        Versioned.check(schemaVersion, CURRENT_VERSION, "InferenceRequest");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(promptTokenIds, "promptTokenIds");
        Objects.requireNonNull(decode, "decode");
        if (promptTokenIds.isEmpty()) {
            throw new IllegalArgumentException("promptTokenIds must not be empty");
        }
        if (maxTokens <= 0) {
            throw new IllegalArgumentException("maxTokens must be > 0");
        }
        promptTokenIds = List.copyOf(promptTokenIds);
        sampling = sampling == null ? SamplingParams.greedy() : sampling;
        stopTokenIds = stopTokenIds == null ? List.of() : List.copyOf(stopTokenIds);
        priority = priority == null ? 0 : priority;
    }

    /** At priority 0. */
    public InferenceRequest(int schemaVersion, String requestId, String model, String version,
                            List<Integer> promptTokenIds, int maxTokens, SamplingParams sampling,
                            List<Integer> stopTokenIds, long deadlineEpochMs, long createdEpochMs, DecodeContext decode,
                            Integer promptLogprobs) {
        this(schemaVersion, requestId, model, version, promptTokenIds, maxTokens, sampling, stopTokenIds,
                deadlineEpochMs, createdEpochMs, decode, promptLogprobs, 0);
    }
}
