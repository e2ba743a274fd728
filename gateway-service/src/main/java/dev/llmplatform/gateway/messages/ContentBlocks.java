package dev.llmplatform.gateway.messages;

import dev.llmplatform.gateway.reasoning.ReasoningSplitter;
import dev.llmplatform.gateway.reasoning.ReasoningSplitter.Split;

/**
 * One answer's generated text as Anthropic's content blocks, as it streams: a model's reasoning (split off
 * by its {@link ReasoningSplitter}) in {@code thinking} blocks, the answer in {@code text} blocks, a new
 * block whenever the kind changes. The whole answer and the stream are built by this one class, so they
 * hold the same blocks. An answer with no output at all still has one (empty) text block.
 */
final class ContentBlocks {

    static final String THINKING = "thinking";
    static final String TEXT = "text";

    /** What becomes of the blocks: events of a stream, or the blocks of a whole message. */
    interface Sink {
        void open(int index, String type);

        void append(int index, String type, String text);

        void close(int index);
    }

    private final ReasoningSplitter splitter;
    private final boolean showThinking;
    private final Sink sink;
    private int index = -1;
    private String open;

    /** @param showThinking false: reasoning is left out (the request disabled thinking) */
    ContentBlocks(ReasoningSplitter splitter, boolean showThinking, Sink sink) {
        this.splitter = splitter;
        this.showThinking = showThinking;
        this.sink = sink;
    }

    /** The next piece of generated text. */
    void accept(String text) {
        if (!text.isEmpty()) {
            route(splitter.accept(text));
        }
    }

    /** The end of the generation: what the splitter held back, then the last block closed. */
    void finish() {
        route(splitter.finish());
        if (open == null && index < 0) {
            write(TEXT, "");
        }
        if (open != null) {
            sink.close(index);
            open = null;
        }
    }

    private void route(Split split) {
        if (showThinking && !split.reasoning().isEmpty()) {
            write(THINKING, split.reasoning());
        }
        if (!split.content().isEmpty()) {
            write(TEXT, split.content());
        }
    }

    private void write(String type, String text) {
        if (!type.equals(open)) {
            if (open != null) {
                sink.close(index);
            }
            open = type;
            sink.open(++index, type);
        }
        if (!text.isEmpty()) {
            sink.append(index, type, text);
        }
    }
}
