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
 * length in every run: remembering that length at the start and end of each Delta passed on lets a Delta
 * that straddles what the client has (k before, e after) be cut exactly. One that starts at an offset never
 * seen as a boundary cannot be cut safely: the stream then ends with an error, never with wrong text.
 * Not thread-safe: the reply thread alone uses it.
 */
final class StreamPosition {

    static final String RESUME_FAILED = "resume_failed";

    private int nextOffset;
    private int passedChars;
    /** Pairs (token offset, characters of text before it), in increasing order. */
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
        if (start >= nextOffset) {
            pass(start, end, delta.text());
            return Optional.of(delta);
        }
        if (end <= nextOffset) {
            return Optional.empty();
        }
        int skip = charsAlreadyPassedFrom(start, delta.text());
        if (skip < 0) {
            return Optional.of(cannotResume(delta.requestId()));
        }
        int tokens = nextOffset - start;
        String text = delta.text().substring(skip);
        GenerationEvent.Delta cut = new GenerationEvent.Delta(delta.schemaVersion(), delta.requestId(), text,
                delta.tokenIds().subList(tokens, delta.tokenIds().size()), tail(delta.logprobs(), tokens), null, nextOffset);
        pass(nextOffset, end, text);
        return Optional.of(cut);
    }

    /** The last event of a stream holds its last tokens' text: cut the same way when a re-run grouped them differently. */
    private Optional<GenerationEvent> admitCompleted(GenerationEvent.Completed completed) {
        int end = completed.usage().completionTokens();
        int start = end - completed.tokenIds().size();
        if (start >= nextOffset || start < 0) {
            return Optional.of(completed);
        }
        int skip = charsAlreadyPassedFrom(start, completed.text());
        if (skip < 0) {
            // Not a re-run's view of known tokens: passed on as it is, as before re-runs existed.
            return Optional.of(completed);
        }
        int tokens = Math.min(nextOffset - start, completed.tokenIds().size());
        return Optional.of(new GenerationEvent.Completed(completed.schemaVersion(), completed.requestId(),
                completed.text().substring(skip), completed.tokenIds().subList(tokens, completed.tokenIds().size()),
                tail(completed.logprobs(), tokens), completed.finishReason(), completed.usage(), completed.timings(),
                null, completed.stopSequence()));
    }

    /** Characters of {@code text} (which starts at token {@code start}) the client already has; -1 when unknown. */
    private int charsAlreadyPassedFrom(int start, String text) {
        int charsBefore = charsBefore(start);
        int skip = charsBefore < 0 ? -1 : passedChars - charsBefore;
        return skip < 0 || skip > text.length() ? -1 : skip;
    }

    private int charsBefore(int offset) {
        if (offset == 0) {
            return 0;
        }
        for (int i = size - 2; i >= 0; i -= 2) {
            if (boundaries[i] == offset) {
                return boundaries[i + 1];
            }
            if (boundaries[i] < offset) {
                break;
            }
        }
        return -1;
    }

    private void pass(int start, int end, String text) {
        record(start, passedChars);
        passedChars += text.length();
        record(end, passedChars);
        nextOffset = end;
    }

    private void record(int offset, int chars) {
        if (size >= 2 && boundaries[size - 2] == offset) {
            boundaries[size - 1] = chars;
            return;
        }
        if (size == boundaries.length) {
            boundaries = Arrays.copyOf(boundaries, size * 2);
        }
        boundaries[size++] = offset;
        boundaries[size++] = chars;
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
