package dev.llmplatform.contracts;

import java.util.List;
import java.util.Objects;

/**
 * What the tokenizer needs to turn token events back into text, carried through the engine
 * unchanged so that any tokenizer instance can decode any token event (no per-stream state).
 *
 * @param model          model name (and so tokenizer) to decode with
 * @param version        model version the prompt was encoded with
 * @param stop           stop strings, found in text by the tokenizer
 * @param contextTokens  how many preceding generated token ids each token event carries
 * @param promptTokens   prompt length, for usage
 */
public record DecodeContext(
        String model,
        String version,
        ReplyTo replyTo,
        List<String> stop,
        boolean stream,
        int contextTokens,
        int promptTokens) {

    public DecodeContext {
        Objects.requireNonNull(model, "decode.model");
        Objects.requireNonNull(replyTo, "decode.replyTo");
        stop = stop == null ? List.of() : List.copyOf(stop);
    }
}
