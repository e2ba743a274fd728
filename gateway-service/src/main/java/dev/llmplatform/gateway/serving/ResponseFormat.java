package dev.llmplatform.gateway.serving;

import dev.llmplatform.contracts.GenerationEvent.LogprobEntry;

import java.util.List;

/**
 * How one endpoint writes its output, streamed or whole: text completions or chat messages. The
 * {@link ResponseRenderer} does the rest (merging choices, the first-event rule, errors, usage, {@code [DONE]}).
 */
public interface ResponseFormat {

    /** What a choice streams before its first output: chat's assistant role, or the echoed prompt. */
    List<Object> opening(ResponseId id, int index);

    /**
     * {@link #opening(ResponseId, int)}, given the prompt's logprobs when the choice's first event
     * carries them (echo with logprobs; else empty).
     */
    default List<Object> opening(ResponseId id, int index, List<LogprobEntry> promptLogprobs) {
        return opening(id, index);
    }

    /**
     * Sees each piece of text of a choice, in order, with the tokens that made it: before {@link #chunk} is asked
     * for that piece when streaming, and before {@link #response} when whole. For a format that keeps state per
     * choice (chat's reasoning split); nothing by default.
     */
    default void observe(int index, String text, List<Integer> tokenIds) {
    }

    /** One streamed piece of one choice; null when there is nothing to send for it (text held back). */
    Object chunk(ResponseId id, Piece piece);

    /** The extra chunk {@code stream_options.include_usage} asks for: no choices, the usage. */
    Object usageChunk(ResponseId id, UsageBody usage);

    /** The whole answer, choices in index order. */
    Object response(ResponseId id, List<ChoiceResult> choices, UsageBody usage);

    /**
     * @param logprobs   one entry per token this piece carries (empty when none were asked for)
     * @param textOffset length (in code points) of the token texts this choice streamed before this piece
     */
    record Piece(int index, String text, List<LogprobEntry> logprobs, int textOffset, String finishReason) {
    }

    /**
     * @param logprobs       one entry per generated token (empty when none were asked for)
     * @param promptLogprobs one entry per prompt token, the first without a logprob (empty when not asked for)
     */
    record ChoiceResult(int index, String text, List<LogprobEntry> logprobs, String finishReason,
                        List<LogprobEntry> promptLogprobs) {
    }
}
