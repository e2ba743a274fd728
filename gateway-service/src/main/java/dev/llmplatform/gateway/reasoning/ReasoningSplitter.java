package dev.llmplatform.gateway.reasoning;

/** Splits one choice's generated text, as it streams, into reasoning and answer. One per choice; not thread-safe. */
public interface ReasoningSplitter {

    /** What may be released now; either part may be empty. */
    record Split(String reasoning, String content) {
        public static final Split EMPTY = new Split("", "");

        public Split {
            reasoning = reasoning == null ? "" : reasoning;
            content = content == null ? "" : content;
        }

        public boolean isEmpty() {
            return reasoning.isEmpty() && content.isEmpty();
        }
    }

    /** Takes the next piece of generated text; holds back only what could still be the start of a tag. */
    Split accept(String delta);

    /** End of the stream: releases what was held back. */
    Split finish();

    /** True once everything from here on is answer (the think block closed, or the output did not open one). */
    boolean answering();
}
