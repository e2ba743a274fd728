package dev.llmplatform.inference.engine;

import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.inference.engine.kv.KvCache;
import dev.llmplatform.inference.engine.kv.KvCacheBudget;
import dev.llmplatform.inference.engine.kv.PrefixCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * Decides which sequences run. Waiting requests are ordered by priority (lower first, vLLM's
 * convention), then by arrival, and admitted in that order while the batch has a free slot and the
 * KV budget can hold the request's worst case (evicting prefix-cache blocks for room if need be).
 * Admission stops at the first request that does not fit, so a large request is not starved by
 * small ones behind it. When that first request is more urgent than some running ones and would fit
 * without them, the least urgent running sequences (highest priority value, latest arrival first) are
 * preempted, just as many as it takes: each drops its cache, releases its reservation and waits again
 * in its old place (its arrival is kept), to recompute its cache from its tokens when readmitted
 * (vLLM's recompute preemption). Nothing is preempted for an equal or lower priority, so equal
 * priorities never displace each other and two sequences never preempt each other in turn. An
 * admitted sequence starts from the longest cached prefix of its tokens. Finishing a sequence frees
 * its slot and its reservation at once. Engine thread only.
 */
final class Scheduler {

    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

    /** Most urgent first; equal priorities in arrival order. */
    static final Comparator<Sequence> ORDER =
            Comparator.comparingInt(Sequence::priority).thenComparingLong(Sequence::arrival);

    private final NavigableSet<Sequence> waiting = new TreeSet<>(ORDER);
    private final List<Sequence> running = new ArrayList<>();
    private final Decoder decoder;
    private final KvCacheBudget budget;
    private final int maxBatchSize;
    private final TokenSink sink;
    private final PrefixCache prefixCache;
    private final EngineMetrics metrics;
    private long arrivals;

    Scheduler(Decoder decoder, KvCacheBudget budget, int maxBatchSize, TokenSink sink, PrefixCache prefixCache,
              EngineMetrics metrics) {
        this.decoder = decoder;
        this.budget = budget;
        this.maxBatchSize = maxBatchSize;
        this.sink = sink;
        this.prefixCache = prefixCache;
        this.metrics = metrics;
    }

    void enqueue(Sequence sequence) {
        sequence.arrival(arrivals++);
        waiting.add(sequence);
    }

    /**
     * Admits waiting sequences in order while they fit, preempting less urgent running ones when
     * that is what makes the next one fit; returns how many were admitted.
     */
    int admit(long nowNanos) {
        int admitted = 0;
        while (!waiting.isEmpty()) {
            Sequence next = waiting.first();
            if (running.size() >= maxBatchSize && !preemptFor(next)) {
                break;
            }
            int[] tokens = next.tokensToCompute();
            // Looked up before reserving: the blocks stay held even if making room evicts them. A prompt
            // being scored needs every position's logits, so it starts from nothing.
            PrefixCache.Match prefix = next.scoresPrompt() ? null : prefixCache.lookup(tokens);
            if (!reserve(next.reservedTokens()) && !(preemptFor(next) && reserve(next.reservedTokens()))) {
                break;
            }
            waiting.pollFirst();
            boolean first = !next.wasAdmitted();
            KvCache cache = decoder.newCache(next.reservedTokens());
            int cached = prefix == null ? 0 : prefix.copyInto(cache);
            next.admit(cache, cached, nowNanos);
            running.add(next);
            if (first) {
                metrics.admitted(next.priority(), next.queueNanos());
                metrics.prefixLookup(tokens.length, cached);
            }
            admitted++;
        }
        return admitted;
    }

    /**
     * Preempts the least urgent running sequences that are less urgent than {@code next}, as many as
     * it takes to give it a batch slot and its KV reservation, or none when even all of them would
     * not make room. True when something was preempted.
     */
    private boolean preemptFor(Sequence next) {
        List<Sequence> candidates = new ArrayList<>();
        for (Sequence s : running) {
            if (s.priority() > next.priority()) {
                candidates.add(s);
            }
        }
        if (candidates.isEmpty()) {
            return false;
        }
        candidates.sort(ORDER.reversed());
        int slotsNeeded = Math.max(0, running.size() - maxBatchSize + 1);
        long bytesNeeded = budget.bytesFor(next.reservedTokens()) - budget.freeBytes() - prefixCache.bytes();
        int victims = 0;
        long freed = 0;
        while (victims < candidates.size() && (victims < slotsNeeded || freed < bytesNeeded)) {
            freed += budget.bytesFor(candidates.get(victims).reservedTokens());
            victims++;
        }
        if (victims < slotsNeeded || freed < bytesNeeded || victims == 0) {
            return false;
        }
        for (Sequence victim : candidates.subList(0, victims)) {
            running.remove(victim);
            budget.release(victim.reservedTokens());
            victim.preempt();
            waiting.add(victim);
            metrics.preempted(victim.priority());
            LOG.debug("preempted {} (priority {}) for {} (priority {}); it will recompute its cache",
                    victim.id(), victim.priority(), next.id(), next.priority());
        }
        return true;
    }

    /** Reserves a sequence's worst case, evicting prefix-cache blocks when that is what makes it fit. */
    private boolean reserve(int tokens) {
        if (budget.freeBytes() + prefixCache.bytes() < budget.bytesFor(tokens)) {
            return false;
        }
        while (!budget.tryReserve(tokens)) {
            if (!prefixCache.evictOne()) {
                return false;
            }
        }
        return true;
    }

    /** Finishes the sequence with this id if it has generated {@code afterTokens} tokens; false when not (or none is here). */
    boolean cancel(String requestId, int afterTokens, long nowNanos) {
        Sequence found = find(requestId);
        if (found == null || found.generatedCount() < afterTokens) {
            return false;
        }
        finish(found, FinishReason.CANCELLED, null, nowNanos);
        return true;
    }

    /** Finishes the sequence with this id, waiting or running; false when none is here. */
    boolean cancel(String requestId, long nowNanos) {
        Sequence found = find(requestId);
        if (found == null) {
            return false;
        }
        finish(found, FinishReason.CANCELLED, null, nowNanos);
        return true;
    }

    /**
     * Ends every sequence whose deadline has passed: a running one is cancelled with a timeout error;
     * one still waiting was never served, so it fails with a 503 saying what it waited for.
     */
    void expireDeadlines(long nowEpochMs, long nowNanos) {
        for (Sequence s : List.copyOf(running)) {
            if (s.pastDeadline(nowEpochMs)) {
                finish(s, FinishReason.CANCELLED,
                        new ErrorInfo(408, "timeout_error", "request deadline passed", null, "deadline_exceeded"), nowNanos);
            }
        }
        for (Sequence s : List.copyOf(waiting)) {
            if (s.pastDeadline(nowEpochMs)) {
                if (s.wasAdmitted()) {   // preempted: it has streamed tokens already, as a running one has
                    finish(s, FinishReason.CANCELLED, new ErrorInfo(408, "timeout_error", "request deadline passed",
                            null, "deadline_exceeded"), nowNanos);
                } else {
                    finish(s, FinishReason.ERROR, notAdmitted(s, nowNanos), nowNanos);
                }
            }
        }
    }

    private ErrorInfo notAdmitted(Sequence s, long nowNanos) {
        int ahead = 0;
        for (Sequence w : waiting) {
            if (w == s) {
                break;
            }
            ahead++;
        }
        String waitedFor = ahead > 0 ? "its turn (" + ahead + " earlier requests still waiting)"
                : running.size() >= maxBatchSize
                ? "a batch slot (all " + maxBatchSize + " busy)"
                : "KV cache (needs " + budget.bytesFor(s.reservedTokens()) + " bytes, " + budget.freeBytes()
                + " of " + budget.totalBytes() + " free)";
        long waitedMs = (nowNanos - s.submittedNanos()) / 1_000_000;
        return new ErrorInfo(503, "server_error", "request not admitted before its deadline: waited " + waitedMs
                + " ms for " + waitedFor + "; retry later or lower max_tokens", null, "queue_timeout");
    }

    /** Reports the end of a sequence once, and frees its slot and its KV reservation. */
    void finish(Sequence sequence, FinishReason reason, ErrorInfo error, long nowNanos) {
        if (!sequence.markFinished()) {
            return;
        }
        if (running.remove(sequence)) {
            budget.release(sequence.reservedTokens());
            if (sequence.cache() != null) {
                sequence.cache().release();
            }
        } else {
            waiting.remove(sequence);
        }
        metrics.finished(reason);
        sink.onFinished(sequence.id(), reason, sequence.usage(), sequence.timings(nowNanos), error);
    }

    /** Finishes everything, waiting and running, with the same reason. */
    void finishAll(FinishReason reason, ErrorInfo error, long nowNanos) {
        for (Sequence s : all()) {
            finish(s, reason, error, nowNanos);
        }
    }

    List<Sequence> running() {
        return List.copyOf(running);
    }

    int runningCount() {
        return running.size();
    }

    int waitingCount() {
        return waiting.size();
    }

    Sequence find(String requestId) {
        for (Sequence s : running) {
            if (s.id().equals(requestId)) {
                return s;
            }
        }
        for (Sequence s : waiting) {
            if (s.id().equals(requestId)) {
                return s;
            }
        }
        return null;
    }

    private List<Sequence> all() {
        List<Sequence> all = new ArrayList<>(running);
        all.addAll(waiting);
        return all;
    }
}
