package dev.llmplatform.inference.engine;

import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.contracts.SamplingParams;
import dev.llmplatform.contracts.Timings;
import dev.llmplatform.contracts.TokenLogprob;
import dev.llmplatform.contracts.Usage;
import dev.llmplatform.inference.engine.kv.KvCache;
import dev.llmplatform.inference.engine.sampling.SamplingState;

import java.util.Arrays;
import java.util.List;

/**
 * One request inside the engine: waiting, then prefilling its prompt, then decoding one token per
 * step until it finishes. Touched only by the engine thread.
 */
final class Sequence {

    private static final int[] NONE = new int[0];

    private final EngineRequest request;
    private final SamplingState sampling;
    private final long submittedNanos;
    private final int reservedTokens;
    /** Null unless the request asked for its prompt's logprobs. */
    private final PromptLogprobs promptLogprobs;
    private KvCache cache;
    private int prefilled;
    private int generated;
    /** Last sampled token, not yet fed to the model (-1 while prefilling). */
    private int pendingToken = -1;
    private long admittedNanos;
    private long firstTokenNanos;
    private long lastTokenNanos;
    private boolean finished;

    Sequence(EngineRequest request, int contextLength, long submittedNanos) {
        this.request = request;
        this.sampling = SamplingState.seeded(request.sampling().seed(), request.promptTokenIds());
        this.submittedNanos = submittedNanos;
        this.reservedTokens = reservedTokens(request, contextLength);
        this.promptLogprobs = request.promptLogprobs() == null ? null
                : new PromptLogprobs(request.promptTokenIds(), request.promptLogprobs());
    }

    EngineRequest request() {
        return request;
    }

    String id() {
        return request.id();
    }

    SamplingState sampling() {
        return sampling;
    }

    /** Tokens of KV cache a request may ever need: prompt plus max new tokens, within the context. */
    static int reservedTokens(EngineRequest request, int contextLength) {
        return (int) Math.min(contextLength, (long) request.promptTokenIds().length + request.maxTokens());
    }

    int reservedTokens() {
        return reservedTokens;
    }

    /** Joins the batch with its own cache, which already holds {@code cachedTokens} prompt tokens (a prefix-cache hit). */
    void admit(KvCache cache, int cachedTokens, long nowNanos) {
        this.cache = cache;
        this.prefilled = cachedTokens;
        this.admittedNanos = nowNanos;
    }

    long submittedNanos() {
        return submittedNanos;
    }

    long queueNanos() {
        return admittedNanos - submittedNanos;
    }

    /** Since the previous token, or since submission for the first. */
    long nanosSinceLastToken(long nowNanos) {
        return nowNanos - (generated == 0 ? submittedNanos : lastTokenNanos);
    }

    KvCache cache() {
        return cache;
    }

    boolean isPrefilling() {
        return cache != null && prefilled < request.promptTokenIds().length;
    }

    boolean isDecoding() {
        return pendingToken >= 0;
    }

    /** The next prompt chunk, at most {@code chunkTokens} long (0 = all that is left). */
    int[] nextPromptChunk(int chunkTokens) {
        int[] prompt = request.promptTokenIds();
        int end = chunkTokens == 0 ? prompt.length : Math.min(prompt.length, prefilled + chunkTokens);
        return Arrays.copyOfRange(prompt, prefilled, end);
    }

    void prefilled(int tokens) {
        prefilled += tokens;
    }

    /**
     * True when every prompt position's logits are needed (prompt logprobs): the prefill asks for all
     * positions, and no prefix-cache hit may skip positions.
     */
    boolean scoresPrompt() {
        return promptLogprobs != null;
    }

    /** A prefilled chunk's logits (all positions, as {@link #scoresPrompt} asks); then as {@link #prefilled(int)}. */
    void prefilled(int tokens, float[][] chunkLogits) {
        if (promptLogprobs != null) {
            promptLogprobs.add(prefilled, chunkLogits);
        }
        prefilled(tokens);
    }

    /** The scored prompt, once prefilled, or null when not asked for. */
    List<TokenLogprob> promptLogprobs() {
        return promptLogprobs == null ? null : promptLogprobs.entries();
    }

    int pendingToken() {
        return pendingToken;
    }

    /** Records a sampled token; returns its index in the generation. */
    int accept(int tokenId, long nowNanos) {
        if (generated == 0) {
            firstTokenNanos = nowNanos;
        }
        lastTokenNanos = nowNanos;
        pendingToken = tokenId;
        return generated++;
    }

    /** Stop tokens the next sample may not pick: all of them until {@code minTokens} were generated. */
    int[] suppressedTokens() {
        SamplingParams params = request.sampling();
        return generated < params.minTokens() && !params.ignoreEos() ? request.stopTokenIds() : NONE;
    }

    /** Why the sequence must stop after its latest token, or null to go on. */
    FinishReason stopAfter(int tokenId, int contextLength) {
        for (int stop : request.ignoresStopTokens() ? NONE : request.stopTokenIds()) {
            if (stop == tokenId) {
                return FinishReason.STOP;
            }
        }
        if (generated >= request.maxTokens() || request.promptTokenIds().length + generated >= contextLength) {
            return FinishReason.LENGTH;
        }
        return null;
    }

    /** Marks the sequence finished; false when it already was, so it is reported only once. */
    boolean markFinished() {
        if (finished) {
            return false;
        }
        finished = true;
        return true;
    }

    boolean pastDeadline(long nowEpochMs) {
        return request.deadlineEpochMs() > 0 && nowEpochMs >= request.deadlineEpochMs();
    }

    Usage usage() {
        return new Usage(request.promptTokenIds().length, generated);
    }

    Timings timings(long nowNanos) {
        double queueMs = cache == null ? millis(nowNanos - submittedNanos) : millis(admittedNanos - submittedNanos);
        double firstTokenMs = generated == 0 ? 0 : millis(firstTokenNanos - submittedNanos);
        return new Timings(queueMs, firstTokenMs, millis(nowNanos - submittedNanos));
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }
}
