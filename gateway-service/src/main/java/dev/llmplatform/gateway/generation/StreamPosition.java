package dev.llmplatform.gateway.generation;

import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.GenerationEvent;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * How far one stream has reached its client, so events sent again pass on only what is new. Events come
 * again when a tokenizer's poll is redelivered, and when an inference replica dies and another runs the
 * request again from its start: its tokens repeat (seeded and greedy generation is deterministic) but may be
 * grouped into events differently. A {@code Delta} covering tokens {@code [k, e)} carries the text that the
 * tokens up to {@code e} added to those up to {@code k}, so the text before token {@code k} has the same
 * length in every run; and within one run the Deltas' texts follow each other without a gap (an event that
 * adds no text publishes nothing). So the text before a Delta is known: from an earlier Delta that started
 * or ended at its first token, else from the run it continues, else 0 for the first Delta of a re-run. A
 * Delta that straddles what the client has is cut there. Should the numbers not fit (a cut past the Delta's
 * own text), the stream ends with an error rather than with wrong text.
 * Not thread-safe: the reply thread alone uses it.
 */
final class StreamPosition {

    static final String RESUME_FAILED = "resume_failed";

    /** Token offset after the last token passed on. */
    private int nextOffset;
    private int passedChars;
    /** The run the last Delta belonged to: where it ended, and the text up to there. */
    private int runEnd;
    private int runChars;
    /** Pairs (token offset, characters of text before it), in increasing offset order. */
    private int[] boundaries = new int[8];
    private int size;

    /** The event to pass on (maybe cut), or empty to drop it; a {@code Failed} when it cannot be cut. */
    Optional<GenerationEvent> admit(GenerationEvent event) {
        return switch (event) {
            case GenerationEvent.Delta delta when delta.offset() != null -> admitDelta(delta);
            case GenerationEvent.Completed completed when completed.usage() != null && nextOffset > 0 -> admitCompleted(completed);
            default -> Optional.of(event);
        };
    }

    private Optional<GenerationEvent> admitDelta(GenerationEvent.Delta delta) {
        int start = delta.offset();
        int end = start + delta.tokenIds().size();
        int startChars = charsBefore(start);
        runEnd = end;
        runChars = startChars + delta.text().length();
        record(start, startChars);
        record(end, runChars);
        if (start >= nextOffset) {
            if (startChars != passedChars) {
                return Optional.of(cannotResume(delta.requestId()));
            }
            passedChars = runChars;
            nextOffset = end;
            return Optional.of(delta);
        }
        if (end <= nextOffset) {
            return Optional.empty();
        }
        int skip = passedChars - startChars;
        if (skip < 0 || skip > delta.text().length()) {
            return Optional.of(cannotResume(delta.requestId()));
        }
        int tokens = nextOffset - start;
        String text = delta.text().substring(skip);
        GenerationEvent.Delta cut = new GenerationEvent.Delta(delta.schemaVersion(), delta.requestId(), text,
                delta.tokenIds().subList(tokens, delta.tokenIds().size()), tail(delta.logprobs(), tokens), null, nextOffset);
        passedChars = runChars;
        nextOffset = end;
        return Optional.of(cut);
    }

    /** The characters of text before token {@code offset}: known at a boundary seen, else from the run it continues. */
    private int charsBefore(int offset) {
        int i = find(offset);
        if (i >= 0) {
            return boundaries[2 * i + 1];
        }
        // Not a boundary seen: it continues the last run (the events between added no text), or begins a re-run.
        return offset >= runEnd ? runChars : 0;
    }

    /** Index of the pair for {@code offset}, or {@code -(insertion point) - 1} (pairs are sorted by offset). */
    private int find(int offset) {
        int lo = 0;
        int hi = size / 2 - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int at = boundaries[2 * mid];
            if (at < offset) {
                lo = mid + 1;
            } else if (at > offset) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -lo - 1;
    }

    /** The last event of a stream holds its last tokens' text: cut the same way when a re-run grouped them differently. */
    private Optional<GenerationEvent> admitCompleted(GenerationEvent.Completed completed) {
        int end = completed.usage().completionTokens();
        int start = end - completed.tokenIds().size();
        if (start >= nextOffset || start < 0) {
            return Optional.of(completed);
        }
        int skip = passedChars - charsBefore(start);
        if (skip < 0 || skip > completed.text().length()) {
            // Not a re-run's view of known tokens: passed on as it is, as before re-runs existed.
            return Optional.of(completed);
        }
        int tokens = Math.min(nextOffset - start, completed.tokenIds().size());
        return Optional.of(new GenerationEvent.Completed(completed.schemaVersion(), completed.requestId(),
                completed.text().substring(skip), completed.tokenIds().subList(tokens, completed.tokenIds().size()),
                tail(completed.logprobs(), tokens), completed.finishReason(), completed.usage(), completed.timings(),
                null, completed.stopSequence()));
    }

    /** Remembers a boundary (the first value seen for an offset stays); appended in order except during re-runs. */
    private void record(int offset, int chars) {
        int i = find(offset);
        if (i >= 0) {
            return;
        }
        int at = 2 * (-i - 1);
        if (size == boundaries.length) {
            boundaries = Arrays.copyOf(boundaries, size * 2);
        }
        System.arraycopy(boundaries, at, boundaries, at + 2, size - at);
        boundaries[at] = offset;
        boundaries[at + 1] = chars;
        size += 2;
    }

    private static <T> List<T> tail(List<T> list, int from) {
        return list == null || list.isEmpty() ? list : list.subList(Math.min(from, list.size()), list.size());
    }

    private static GenerationEvent cannotResume(String requestId) {
        return new GenerationEvent.Failed(GenerationEvent.CURRENT_VERSION, requestId, new ErrorInfo(503, "server_error",
                "The inference replica serving this stream failed and the stream could not be resumed exactly on another; "
                        + "please retry", null, RESUME_FAILED));
    }
}
