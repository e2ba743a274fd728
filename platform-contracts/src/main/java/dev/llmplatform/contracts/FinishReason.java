package dev.llmplatform.contracts;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Why a generation ended; serialised as OpenAI's lower-case names in JSON and by ordinal in the binary
 * step records, so new reasons go at the end.
 */
public enum FinishReason {
    /** End-of-sequence token or a stop sequence. */
    STOP,
    /** {@code max_tokens} or the model's context length reached. */
    LENGTH,
    /** Cancelled by the client or by its deadline. */
    CANCELLED,
    /** The engine failed the request. */
    ERROR;

    @JsonValue
    public String wireName() {
        return name().toLowerCase();
    }
}
