package dev.llmplatform.inference.engine;

import dev.llmplatform.constraint.ConstraintException;
import dev.llmplatform.constraint.ConstraintState;
import dev.llmplatform.constraint.TokenMasks;
import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.contracts.TokenLogprob;
import dev.llmplatform.inference.engine.kv.KvCache;
import dev.llmplatform.inference.engine.kv.PrefixCache;
import dev.llmplatform.inference.engine.sampling.SampledToken;
import dev.llmplatform.inference.engine.sampling.Sampler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The model work of one engine step: prefill chunks for sequences still reading their prompt (at
 * most {@code prefillChunkTokens} tokens in all, oldest admission first), then ONE batched decode
 * step for every sequence with a token to feed. Each sequence keeps its own cache, so the batch's
 * make-up never causes any recomputation; only a preempted sequence, readmitted, prefills its prompt
 * and generated tokens again (as chunks, like a prompt) before it decodes on. Engine thread only.
 */
final class BatchStep {

    private static final Logger LOG = LoggerFactory.getLogger(BatchStep.class);

    private final Decoder decoder;
    private final Scheduler scheduler;
    private final PrefixCache prefixCache;
    private final TokenSink sink;
    private final EngineMetrics metrics;
    private final int prefillChunkTokens;
    private volatile long generatedTokens;

    BatchStep(Decoder decoder, Scheduler scheduler, PrefixCache prefixCache, TokenSink sink, EngineMetrics metrics,
              int prefillChunkTokens) {
        this.decoder = decoder;
        this.scheduler = scheduler;
        this.prefixCache = prefixCache;
        this.sink = sink;
        this.metrics = metrics;
        this.prefillChunkTokens = prefillChunkTokens;
    }

    long generatedTokens() {
        return generatedTokens;
    }

    void run(List<Sequence> running) {
        int prefillBudget = prefillChunkTokens == 0 ? Integer.MAX_VALUE : prefillChunkTokens;
        for (Sequence s : running) {
            if (prefillBudget > 0 && s.isPrefilling()) {
                prefillBudget -= prefill(s, prefillBudget);
            }
        }
        decode();
    }

    /** Feeds the sequence at most {@code maxTokens} more of its prompt; returns how many. */
    private int prefill(Sequence s, int maxTokens) {
        int[] chunk = s.nextPromptChunk(maxTokens == Integer.MAX_VALUE ? 0 : maxTokens);
        float[][][] logits;
        try {
            logits = decoder.step(List.of(s.cache()), List.of(chunk), s.scoresPrompt());
        } catch (RuntimeException e) {
            fail(List.of(s), e);
            return chunk.length;
        }
        s.prefilled(chunk.length, logits[0]);
        if (!s.isPrefilling() && s.isRecomputing()) {
            return chunk.length;   // a preempted sequence's cache is back; its next token is known, decoded below
        }
        if (!s.isPrefilling()) {
            int[] prompt = s.request().promptTokenIds();
            prefixCache.insert(prompt, s.cache());
            metrics.promptProcessed(prompt.length);
            if (s.scoresPrompt()) {
                sink.onPromptLogprobs(s.id(), s.promptLogprobs());
            }
            emit(s, logits[0][logits[0].length - 1]);
        }
        return chunk.length;
    }

    private void decode() {
        List<Sequence> batch = new ArrayList<>();
        for (Sequence s : scheduler.running()) {
            if (s.isDecoding()) {
                batch.add(s);
            }
        }
        if (batch.isEmpty()) {
            return;
        }
        List<KvCache> caches = new ArrayList<>(batch.size());
        List<int[]> tokens = new ArrayList<>(batch.size());
        for (Sequence s : batch) {
            caches.add(s.cache());
            tokens.add(new int[]{s.pendingToken()});
        }
        metrics.decodeStep(batch.size());
        float[][][] logits;
        try {
            logits = decoder.step(caches, tokens, false);
        } catch (RuntimeException e) {
            fail(batch, e);
            return;
        }
        for (int b = 0; b < batch.size(); b++) {
            emit(batch.get(b), logits[b][0]);
        }
    }

    /** Samples the next token, reports it, and finishes the sequence when it should stop. */
    private void emit(Sequence s, float[] logits) {
        long[] allowed = null;
        ConstraintState constraint = s.constraint();
        if (constraint != null) {
            try {
                allowed = constraint.allowed();
            } catch (ConstraintException e) {
                scheduler.finish(s, FinishReason.ERROR, ErrorInfo.invalidRequest(e.getMessage(), "response_format"),
                        System.nanoTime());
                return;
            }
            if (TokenMasks.isEmpty(allowed)) {   // complete and no stop token to end it, or no token fits
                scheduler.finish(s, constraint.accepts() ? FinishReason.STOP : FinishReason.ERROR,
                        constraint.accepts() ? null : ErrorInfo.internal("no token of the vocabulary continues the output constraint"),
                        System.nanoTime());
                return;
            }
        }
        SampledToken sampled = Sampler.sample(logits, s.request().sampling(), s.sampling(), s.suppressedTokens(), allowed);
        long now = System.nanoTime();
        long latency = s.nanosSinceLastToken(now);
        int index = s.accept(sampled.tokenId(), now);
        if (index == 0) {
            metrics.firstToken(latency);
        } else {
            metrics.nextToken(latency);
        }
        generatedTokens++;
        FinishReason stop = s.stopAfter(sampled.tokenId(), decoder.contextLength());
        if (stop != FinishReason.STOP) {
            List<TokenLogprob> logprobs = sampled.logprob() == null ? null : List.of(sampled.logprob());
            sink.onTokens(s.id(), index, new int[]{sampled.tokenId()}, logprobs);
        }
        if (stop != null) {
            scheduler.finish(s, stop, null, now);
        }
    }

    private void fail(List<Sequence> sequences, RuntimeException e) {
        LOG.error("decoder step failed for {} sequence(s)", sequences.size(), e);
        long now = System.nanoTime();
        for (Sequence s : sequences) {
            scheduler.finish(s, FinishReason.ERROR, ErrorInfo.internal("decoder step failed: " + e.getMessage()), now);
        }
    }}
