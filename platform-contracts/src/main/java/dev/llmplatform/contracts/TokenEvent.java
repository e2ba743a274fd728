package dev.llmplatform.contracts;

import java.util.List;
import java.util.Objects;

/**
 * Tokens generated for one request, on {@code llm.inference.tokens}, keyed by request id.
 * Several tokens travel in one record when the engine is ahead of the producer. A non-streamed
 * request ({@code decode.stream == false}) ends with one last event holding every id from offset 0;
 * if it has stop strings, its earlier events are stop checks (ids as they come, with context ids,
 * no logprobs) that the tokenizer only searches for a stop string.
 *
 * @param offset          index in the generation of the first token in {@link #tokenIds()}
 * @param contextTokenIds up to {@code decode.contextTokens} generated ids just before {@code offset},
 *                        so text can be decoded correctly across multi-byte characters and stop strings
 * @param logprobs        one entry per token when requested, else null
 * @param finishReason    set on the last event of the request
 * @param usage           set on the last event
 * @param error           set when the engine failed or refused the request
 * @param promptLogprobs  on the first event of a request that asked for them, one entry per prompt token;
 *                        the first prompt token follows nothing, so its entry has logprob 0 and no
 *                        alternatives and is shown as null; else null
 */
public record TokenEvent(
        int schemaVersion,
        String requestId,
        int offset,
        List<Integer> tokenIds,
        List<Integer> contextTokenIds,
        List<TokenLogprob> logprobs,
        FinishReason finishReason,
        Usage usage,
        Timings timings,
        ErrorInfo error,
        DecodeContext decode,
        List<TokenLogprob> promptLogprobs) implements Versioned {

    public static final int CURRENT_VERSION = 1;

    public TokenEvent {
        Versioned.check(schemaVersion, CURRENT_VERSION, "TokenEvent");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(decode, "decode");
        tokenIds = tokenIds == null ? List.of() : List.copyOf(tokenIds);
        contextTokenIds = contextTokenIds == null ? List.of() : List.copyOf(contextTokenIds);
        logprobs = logprobs == null ? null : List.copyOf(logprobs);
        promptLogprobs = promptLogprobs == null ? null : List.copyOf(promptLogprobs);
    }

    public boolean isLast() {
        return finishReason != null;
    }
}
