package dev.llmplatform.contracts;

import java.util.List;
import java.util.Objects;

/**
 * What the tokenizer answers one {@link TokenStep} with, for one gateway's reply partition: the
 * {@link GenerationEvent.Delta}s, {@link GenerationEvent.Completed}s and {@link GenerationEvent.Failed}s
 * of all its requests in that step, in one record that the gateway unpacks onto each request's stream.
 * Only the gateways' reply topic ({@code llm.generation.events}) carries these; a caller's own reply
 * topic (a batch job's) still gets one JSON {@link GenerationEvent} per request. Internal: written in
 * the compact binary form of {@link dev.llmplatform.contracts.binary.StepCodec}.
 */
public record ReplyStep(int schemaVersion, List<Item> items) implements Versioned {

    public static final int CURRENT_VERSION = 1;

    public ReplyStep {
        Versioned.check(schemaVersion, CURRENT_VERSION, "ReplyStep");
        items = List.copyOf(items);
        for (Item item : items) {
            if (!(item.event() instanceof GenerationEvent.Delta || item.event() instanceof GenerationEvent.Completed
                    || item.event() instanceof GenerationEvent.Failed)) {
                throw new IllegalArgumentException("a ReplyStep carries Delta, Completed and Failed only, not "
                        + item.event().getClass().getSimpleName());
            }
        }
    }

    public static ReplyStep of(List<Item> items) {
        return new ReplyStep(CURRENT_VERSION, items);
    }

    /** One request's event and the trace context of the token event it answers (both null when none). */
    public record Item(GenerationEvent event, String traceparent, String tracestate) {
        public Item {
            Objects.requireNonNull(event, "event");
        }
    }
}
