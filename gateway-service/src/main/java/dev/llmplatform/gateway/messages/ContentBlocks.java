package dev.llmplatform.gateway.messages;

import dev.llmplatform.gateway.reasoning.ReasoningSplitter;
import dev.llmplatform.gateway.reasoning.ReasoningSplitter.Split;
import dev.llmplatform.gateway.tools.ToolCallSplitter;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One answer's generated text as Anthropic's content blocks, as it streams: a model's reasoning (split off
 * by its {@link ReasoningSplitter}) in {@code thinking} blocks, the answer in {@code text} blocks, a new
 * block whenever the kind changes. The whole answer and the stream are built by this one class, so they
 * hold the same blocks. With tools, the answer is read for calls by chat's {@link ToolCallSplitter}: each call is
 * a {@code tool_use} block whose input arrives as JSON fragments (concatenated: the arguments as the model wrote
 * them). An answer with no output at all still has one (empty) text block.
 */
final class ContentBlocks {

    static final String THINKING = "thinking";
    static final String TEXT = "text";
    static final String TOOL_USE = "tool_use";
    private static final String ID_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /** What becomes of the blocks: events of a stream, or the blocks of a whole message. */
    interface Sink {
        void open(int index, String type);

        /** A {@code tool_use} block; its input comes as JSON fragments through {@link #append}. */
        void openToolUse(int index, String id, String name);

        void append(int index, String type, String text);

        void close(int index);
    }

    private final ReasoningSplitter splitter;
    private final boolean showThinking;
    private final Sink sink;
    private final ToolCallSplitter calls;
    private int index = -1;
    private String open;
    private int toolUses;

    /**
     * @param showThinking false: reasoning is left out (the request disabled thinking)
     * @param calls        reads the answer for tool calls; null when the request has no tools to call
     */
    ContentBlocks(ReasoningSplitter splitter, boolean showThinking, ToolCallSplitter calls, Sink sink) {
        this.splitter = splitter;
        this.showThinking = showThinking;
        this.calls = calls;
        this.sink = sink;
    }

    /** How many {@code tool_use} blocks were opened. */
    int toolUses() {
        return toolUses;
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
        if (calls != null) {
            answer(calls.finish());
        }
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
            if (calls == null) {
                write(TEXT, split.content());
            } else {
                answer(calls.accept(split.content()));
            }
        }
    }

    private void answer(List<ToolCallSplitter.Event> events) {
        for (ToolCallSplitter.Event event : events) {
            switch (event) {
                case ToolCallSplitter.Content content -> {
                    if (!content.text().isEmpty()) {
                        write(TEXT, content.text());
                    }
                }
                case ToolCallSplitter.CallStart start -> {
                    if (open != null) {
                        sink.close(index);
                    }
                    open = TOOL_USE;
                    toolUses++;
                    sink.openToolUse(++index, newId(), start.name());
                }
                case ToolCallSplitter.Arguments arguments -> {
                    if (!arguments.fragment().isEmpty()) {
                        sink.append(index, TOOL_USE, arguments.fragment());
                    }
                }
            }
        }
    }

    private static String newId() {
        StringBuilder id = new StringBuilder("toolu_");
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < 24; i++) {
            id.append(ID_CHARS.charAt(random.nextInt(ID_CHARS.length())));
        }
        return id.toString();
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
