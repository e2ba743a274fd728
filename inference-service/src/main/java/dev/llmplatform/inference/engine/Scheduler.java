package dev.llmplatform.inference.engine;

import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.inference.engine.kv.KvCacheBudget;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Decides which sequences run: a FIFO of waiting requests, admitted while the batch has a free
 * slot and the KV budget can hold the request's worst case. Admission stops at the first request
 * that does not fit, so a large request is not starved by small ones behind it. Finishing a
 * sequence frees its slot and its reservation at once. Used by the engine thread only.
 */
final class Scheduler {

    private final Deque<Sequence> waiting = new ArrayDeque<>();
    private final List<Sequence> running = new ArrayList<>();
    private final Decoder decoder;
    private final KvCacheBudget budget;
    private final int maxBatchSize;
    private final TokenSink sink;

    Scheduler(Decoder decoder, KvCacheBudget budget, int maxBatchSize, TokenSink sink) {
        this.decoder = decoder;
        this.budget = budget;
        this.maxBatchSize = maxBatchSize;
        this.sink = sink;
    }

    void enqueue(Sequence sequence) {
        waiting.addLast(sequence);
    }

    /** Admits waiting sequences in order while they fit; returns how many were admitted. */
    int admit(long nowNanos) {
        int admitted = 0;
        while (!waiting.isEmpty() && running.size() < maxBatchSize) {
            Sequence next = waiting.peekFirst();
            if (!budget.tryReserve(next.reservedTokens())) {
                break;
            }
            waiting.removeFirst();
            next.admit(decoder.newCache(next.reservedTokens()), nowNanos);
            running.add(next);
            admitted++;
        }
        return admitted;
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

    /** Cancels, with a timeout error, every sequence whose deadline has passed. */
    void expireDeadlines(long nowEpochMs, long nowNanos) {
        for (Sequence s : all()) {
            if (s.pastDeadline(nowEpochMs)) {
                finish(s, FinishReason.CANCELLED,
                        new ErrorInfo(408, "timeout_error", "request deadline passed", null, "deadline_exceeded"), nowNanos);
            }
        }
    }

    /** Reports the end of a sequence once, and frees its slot and its KV reservation. */
    void finish(Sequence sequence, FinishReason reason, ErrorInfo error, long nowNanos) {
        if (!sequence.markFinished()) {
            return;
        }
        if (running.remove(sequence)) {
            budget.release(sequence.reservedTokens());
        } else {
            waiting.remove(sequence);
        }
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

    private Sequence find(String requestId) {
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
