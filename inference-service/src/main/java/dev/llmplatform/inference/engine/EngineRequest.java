package dev.llmplatform.inference.engine;

import dev.llmplatform.constraint.TokenMasks;
import dev.llmplatform.contracts.SamplingParams;

import java.util.Objects;

/**
 * One generation for the engine: a tokenized prompt and how to continue it.
 *
 * @param stopTokenIds    ids that end the sequence (EOS); the stop token itself is not emitted
 * @param deadlineEpochMs 0 for none; past it the request is cancelled with a timeout error
 * @param promptLogprobs  null for none, else every prompt token is scored too (this many top alternatives),
 *                        reported once through {@link TokenSink#onPromptLogprobs} before the first token
 * @param priority        vLLM's convention: lower is served first (0 by default); equal priorities in arrival order
 * @param constraint      null, or the compiled output constraint whose masks keep the output inside it (compiled
 *                        before submission, never on the engine thread: {@code constraint.ConstraintCompiler})
 */
public record EngineRequest(String id, int[] promptTokenIds, int maxTokens, SamplingParams sampling,
                            int[] stopTokenIds, long deadlineEpochMs, Integer promptLogprobs, int priority,
                            TokenMasks constraint) {

    /** Without an output constraint. */
    public EngineRequest(String id, int[] promptTokenIds, int maxTokens, SamplingParams sampling,
                         int[] stopTokenIds, long deadlineEpochMs, Integer promptLogprobs, int priority) {
        this(id, promptTokenIds, maxTokens, sampling, stopTokenIds, deadlineEpochMs, promptLogprobs, priority, null);
    }

    public EngineRequest {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(promptTokenIds, "promptTokenIds");
        sampling = sampling == null ? SamplingParams.greedy() : sampling;
        stopTokenIds = stopTokenIds == null ? new int[0] : stopTokenIds;
    }

    /** At the default priority, 0. */
    public EngineRequest(String id, int[] promptTokenIds, int maxTokens, SamplingParams sampling,
                         int[] stopTokenIds, long deadlineEpochMs, Integer promptLogprobs) {
        this(id, promptTokenIds, maxTokens, sampling, stopTokenIds, deadlineEpochMs, promptLogprobs, 0);
    }

    /** Without prompt logprobs. */
    public EngineRequest(String id, int[] promptTokenIds, int maxTokens, SamplingParams sampling,
                         int[] stopTokenIds, long deadlineEpochMs) {
        this(id, promptTokenIds, maxTokens, sampling, stopTokenIds, deadlineEpochMs, null);
    }

    /** vLLM's {@code ignore_eos}: the stop tokens are ordinary tokens for this request. */
    public boolean ignoresStopTokens() {
        return sampling.ignoreEos();
    }

    public static EngineRequest greedy(String id, int[] prompt, int maxTokens, int... stopTokenIds) {
        return new EngineRequest(id, prompt, maxTokens, SamplingParams.greedy(), stopTokenIds, 0);
    }

    /** The same request at another priority. */
    public EngineRequest withPriority(int newPriority) {
        return new EngineRequest(id, promptTokenIds, maxTokens, sampling, stopTokenIds, deadlineEpochMs, promptLogprobs,
                newPriority, constraint);
    }

    /** The same request under a compiled output constraint. */
    public EngineRequest withConstraint(TokenMasks compiled) {
        return new EngineRequest(id, promptTokenIds, maxTokens, sampling, stopTokenIds, deadlineEpochMs, promptLogprobs,
                priority, compiled);
    }
}
