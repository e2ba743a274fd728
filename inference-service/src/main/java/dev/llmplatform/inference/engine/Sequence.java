package dev.llmplatform.inference.engine;

import dev.llmplatform.constraint.ConstraintState;
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
 * step until it finishes. A sequence preempted for a more urgent one drops its cache and waits again;
 * readmitted, it recomputes the cache from its prompt and the tokens it already generated (all but the
 * last, which is still to be fed) and goes on decoding exactly where it stopped: its sampling state and
 * its reported tokens are kept, nothing is sampled or reported twice. Touched only by the engine thread.
 */
final class Sequence {

    private static final int[] NONE = new int[0];

    private final EngineRequest request;
    private final SamplingState sampling;
    private final long submittedNanos;
    private final int reservedTokens;
    /** Null unless the request asked for its prompt's logprobs. */
    private PromptLogprobs promptLogprobs;
    /** Order of arrival at the scheduler, set once: equal priorities are served by it, preempted or not. */
    private long arrival = -1;
    private KvCache cache;
    /** What the cache must hold before decoding goes on: the prompt, or after a preemption prompt + generated − last. */
    private int[] context;
    private int prefilled;
    private int generated;
    /** Cancelled once this many tokens are generated (0: no such cancel pending). */
    private int cancelAfter;
    private int[] generatedIds = new int[16];
    private int preemptions;
    /** Last sampled token, not yet fed to the model (-1 while prefilling). */
    private int pendingToken = -1;
    private long admittedNanos = -1;
    private long firstTokenNanos;
    private long lastTokenNanos;
    private boolean finished;
    /** Null without an output constraint; else where the output stands in it (kept across preemptions). */
    private final ConstraintState constraint;

    Sequence(EngineRequest request, int contextLength, long submittedNanos) {
        this.request = request;
        this.constraint = request.constraint() == null ? null : new ConstraintState(request.constraint());
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

    int priority() {
        return request.priority();
    }

    /** The arrival number, given at the first enqueue only. */
    long arrival(long next) {
        if (arrival < 0) {
            arrival = next;
        }
        return arrival;
    }

    long arrival() {
        return arrival;
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

    /**
     * The tokens the cache must hold before the next decode: the prompt, or (after a preemption) the prompt
     * and every generated token but the last, which is fed by the next decode step as if nothing happened.
     */
    int[] tokensToCompute() {
        int[] prompt = request.promptTokenIds();
        if (generated == 0) {
            return prompt;
        }
        int[] tokens = Arrays.copyOf(prompt, prompt.length + generated - 1);
        System.arraycopy(generatedIds, 0, tokens, prompt.length, generated - 1);
        return tokens;
    }

    /**
     * Joins the batch with its own cache, which already holds the first {@code cachedTokens} of
     * {@link #tokensToCompute()} (a prefix-cache hit).
     */
    void admit(KvCache cache, int cachedTokens, long nowNanos) {
        this.cache = cache;
        this.context = tokensToCompute();
        this.prefilled = cachedTokens;
        if (admittedNanos < 0) {
            this.admittedNanos = nowNanos;
        }
    }

    /** True once admitted, even if preempted since. */
    boolean wasAdmitted() {
        return admittedNanos >= 0;
    }

    /**
     * Leaves the batch for a more urgent request: the cache is dropped (the caller releases its
     * reservation) and recomputed on readmission. A prompt being scored starts its scoring over.
     */
    void preempt() {
        if (cache != null) {
            cache.release();
        }
        cache = null;
        context = null;
        prefilled = 0;
        preemptions++;
        if (promptLogprobs != null && generated == 0) {
            promptLogprobs = new PromptLogprobs(request.promptTokenIds(), request.promptLogprobs());
        }
    }

    int preemptions() {
        return preemptions;
    }

    boolean isRunning() {
        return cache != null;
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

    /** Reading its prompt into the cache, or recomputing the cache after a preemption. */
    boolean isPrefilling() {
        return cache != null && prefilled < context.length;
    }

    boolean isDecoding() {
        return pendingToken >= 0 && cache != null && !isPrefilling();
    }

    /** After a preemption: its cache is being recomputed and its next token is already known. */
    boolean isRecomputing() {
        return generated > 0;
    }

    /** The next chunk to prefill, at most {@code chunkTokens} long (0 = all that is left). */
    int[] nextPromptChunk(int chunkTokens) {
        int end = chunkTokens == 0 ? context.length : Math.min(context.length, prefilled + chunkTokens);
        return Arrays.copyOfRange(context, prefilled, end);
    }

    void prefilled(int tokens) {
        prefilled += tokens;
    }

    /**
     * True when every prompt position's logits are needed (prompt logprobs): the prefill asks for all
     * positions, and no prefix-cache hit may skip positions.
     */
    boolean scoresPrompt() {
        return promptLogprobs != null && generated == 0;
    }

    /** A prefilled chunk's logits (all positions, as {@link #scoresPrompt} asks); then as {@link #prefilled(int)}. */
    void prefilled(int tokens, float[][] chunkLogits) {
        if (scoresPrompt()) {
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
        if (generated == generatedIds.length) {
            generatedIds = Arrays.copyOf(generatedIds, generated * 2);
        }
        generatedIds[generated] = tokenId;
        if (constraint != null && !isStopToken(tokenId)) {   // a stop token ends a complete output: no bytes
            constraint.advance(tokenId);
        }
        return generated++;
    }

    private boolean isStopToken(int tokenId) {
        for (int stop : request.stopTokenIds()) {
            if (stop == tokenId) {
                return true;
            }
        }
        return false;
    }

    /** The output constraint's state, or null for free text. */
    ConstraintState constraint() {
        return constraint;
    }

    /** Stop tokens the next sample may not pick: all of them until {@code minTokens} were generated. */
    int[] suppressedTokens() {
        SamplingParams params = request.sampling();
        return generated < params.minTokens() && !params.ignoreEos() ? request.stopTokenIds() : NONE;
    }

    /** Why the sequence must stop after its latest token, or null to go on. */
    /** Ends the sequence, cancelled, once it has generated {@code tokens} tokens (a stop string's cancel that came early). */
    void cancelAfter(int tokens) {
        cancelAfter = cancelAfter == 0 ? tokens : Math.min(cancelAfter, tokens);
    }

    int generatedCount() {
        return generated;
    }

    FinishReason stopAfter(int tokenId, int contextLength) {
        for (int stop : request.ignoresStopTokens() ? NONE : request.stopTokenIds()) {
            if (stop == tokenId) {
                return FinishReason.STOP;
            }
        }
        if (generated >= request.maxTokens() || request.promptTokenIds().length + generated >= contextLength) {
            return FinishReason.LENGTH;
        }
        if (cancelAfter > 0 && generated >= cancelAfter) {
            return FinishReason.CANCELLED;
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
        double queueMs = wasAdmitted() ? millis(admittedNanos - submittedNanos) : millis(nowNanos - submittedNanos);
        double firstTokenMs = generated == 0 ? 0 : millis(firstTokenNanos - submittedNanos);
        return new Timings(queueMs, firstTokenMs, millis(nowNanos - submittedNanos));
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }
}
