package dev.llmplatform.contracts;

import java.util.List;
import java.util.Objects;

/**
 * The tokens of one engine step (or of the few steps that piled up while the publisher was busy), for
 * every request of one inference instance, on {@code llm.inference.tokens}, keyed by the instance: one
 * record per step instead of one per request, and each request's events stay in order because all of
 * them come from that one instance, under one key. Each item is a whole {@link TokenEvent} (decoding
 * context and reply address included), so any tokenizer instance can still decode any record.
 * Internal: written in the compact binary form of {@link dev.llmplatform.contracts.binary.StepCodec}.
 *
 * @param items one per request that had something to publish, each with the trace context of its request
 */
public record TokenStep(int schemaVersion, List<Item> items) implements Versioned {

    public static final int CURRENT_VERSION = 1;

    public TokenStep {
        Versioned.check(schemaVersion, CURRENT_VERSION, "TokenStep");
        items = List.copyOf(items);
    }

    public static TokenStep of(List<Item> items) {
        return new TokenStep(CURRENT_VERSION, items);
    }

    /** One request's event and its W3C trace context (both null when it has none). */
    public record Item(TokenEvent event, String traceparent, String tracestate) {
        public Item {
            Objects.requireNonNull(event, "event");
        }
    }
}
