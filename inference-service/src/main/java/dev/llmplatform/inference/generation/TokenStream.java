package dev.llmplatform.inference.generation;

import dev.llmplatform.contracts.DecodeContext;
import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.contracts.Timings;
import dev.llmplatform.contracts.TokenEvent;
import dev.llmplatform.contracts.TokenLogprob;
import dev.llmplatform.contracts.Usage;
import dev.llmplatform.kafka.TraceHeaders;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The outgoing side of one request: tokens the engine produced that are not yet published, and the
 * last few published ids that the next event carries as decoding context. Filled by the engine
 * thread, drained by the publisher thread; whatever piled up in between leaves as one record.
 * A request with {@code decode.stream == false} (a batch job, a non-streamed HTTP call) leaves as
 * exactly one last event: offset 0, every id, no context. If it has stop strings, the ids are also
 * sent as they come in stop checks (not-last events with context and no logprobs) so that the
 * tokenizer can cancel the engine at a stop string instead of it generating to {@code max_tokens};
 * the last event still carries every id, and only it becomes the caller's result.
 * It also keeps the request's trace context, taken when the request was consumed, for every event's
 * record: the engine and publisher threads have no observation in scope.
 */
final class TokenStream {

    private final String requestId;
    private final DecodeContext decode;
    private final TraceHeaders trace;
    private final int streamInterval;
    private final ArrayDeque<Integer> recent = new ArrayDeque<>();
    private final List<Integer> pendingIds = new ArrayList<>();
    private List<TokenLogprob> pendingLogprobs;
    /** The prompt's logprobs (echo with logprobs), until the first event takes them. */
    private List<TokenLogprob> promptLogprobs;
    private int published;
    /** Whole requests with stop strings: how many of {@link #pendingIds} went out in stop checks. */
    private int checked;
    private FinishReason finishReason;
    private Usage usage;
    private Timings timings;
    private ErrorInfo error;
    private boolean scheduled;

    /**
     * @param streamInterval a streamed request's tokens leave once this many are pending (the first at
     *                       once, so time to first token does not change; the rest when it finishes)
     */
    TokenStream(String requestId, DecodeContext decode, TraceHeaders trace, int streamInterval) {
        this.requestId = requestId;
        this.decode = decode;
        this.trace = trace;
        this.streamInterval = streamInterval;
    }

    DecodeContext decode() {
        return decode;
    }

    String requestId() {
        return requestId;
    }

    TraceHeaders trace() {
        return trace;
    }

    /** Adds tokens; true when the stream must be queued for the publisher (it was not already). */
    synchronized boolean addTokens(int[] tokenIds, List<TokenLogprob> logprobs) {
        for (int id : tokenIds) {
            pendingIds.add(id);
        }
        if (logprobs != null) {
            if (pendingLogprobs == null) {
                pendingLogprobs = new ArrayList<>();
            }
            pendingLogprobs.addAll(logprobs);
        }
        if (decode.stream()) {
            return (published == 0 || pendingIds.size() >= streamInterval) && schedule();
        }
        // A whole request is held until the finish (the caller wants one record), checked for stops on the way.
        return checksStops() && schedule();
    }

    synchronized void setPromptLogprobs(List<TokenLogprob> logprobs) {
        promptLogprobs = logprobs;
    }

    synchronized boolean finish(FinishReason reason, Usage usage, Timings timings, ErrorInfo error) {
        this.finishReason = reason;
        this.usage = usage;
        this.timings = timings;
        this.error = error;
        return schedule();
    }

    private boolean checksStops() {
        return !decode.stream() && !decode.stop().isEmpty();
    }

    private boolean schedule() {
        if (scheduled) {
            return false;
        }
        scheduled = true;
        return true;
    }

    /** Everything pending as one event, or null when there is nothing to send. */
    synchronized TokenEvent drain() {
        scheduled = false;
        if (!decode.stream() && finishReason == null) {
            return checksStops() ? stopCheck() : null;
        }
        if (pendingIds.isEmpty() && finishReason == null) {
            return null;
        }
        TokenEvent event = new TokenEvent(TokenEvent.CURRENT_VERSION, requestId, published, List.copyOf(pendingIds),
                List.copyOf(recent), pendingLogprobs, finishReason, usage, timings, error, decode, promptLogprobs);
        published += pendingIds.size();
        for (int id : pendingIds) {
            recent.addLast(id);
            if (recent.size() > Math.max(0, decode.contextTokens())) {
                recent.removeFirst();
            }
        }
        pendingIds.clear();
        pendingLogprobs = null;
        promptLogprobs = null;
        return event;
    }

    /** The ids of a whole request not yet checked, after the ids just before them; pendingIds stays whole. */
    private TokenEvent stopCheck() {
        if (checked == pendingIds.size()) {
            return null;
        }
        List<Integer> context = pendingIds.subList(Math.max(0, checked - Math.max(0, decode.contextTokens())), checked);
        TokenEvent event = new TokenEvent(TokenEvent.CURRENT_VERSION, requestId, checked,
                List.copyOf(pendingIds.subList(checked, pendingIds.size())), List.copyOf(context),
                null, null, null, null, null, decode, null);
        checked = pendingIds.size();
        return event;
    }
}
