package dev.llmplatform.gateway.chat;

import dev.llmplatform.gateway.chat.ChatProtocol.FunctionCall;
import dev.llmplatform.gateway.chat.ChatProtocol.ToolCallBody;
import dev.llmplatform.gateway.chat.ChatProtocol.ToolCallDelta;
import dev.llmplatform.gateway.tools.ToolCallParsers;
import dev.llmplatform.gateway.tools.ToolCallSplitter;
import dev.llmplatform.gateway.tools.ToolCallSplitter.Arguments;
import dev.llmplatform.gateway.tools.ToolCallSplitter.CallStart;
import dev.llmplatform.gateway.tools.ToolCallSplitter.Content;
import dev.llmplatform.gateway.tools.ToolCallSplitter.Event;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One choice's answer read for tool calls, in chat's shapes: streamed as content and {@code delta.tool_calls}
 * (the call's id, type and name first, then argument fragments), or whole as {@code message.tool_calls}. Each call
 * gets a new id {@code call_…}. An answer with calls that stopped by itself finishes with {@code tool_calls}.
 */
final class ToolCallOutput {

    static final String TOOL_CALLS = "tool_calls";
    private static final String ID_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /** What one piece of text adds: content (maybe empty) and call pieces (null when none). */
    record Part(String content, List<ToolCallDelta> calls) {
        boolean isEmpty() {
            return content.isEmpty() && calls == null;
        }

        Part plus(Part next) {
            List<ToolCallDelta> all = new ArrayList<>();
            if (calls != null) {
                all.addAll(calls);
            }
            if (next.calls != null) {
                all.addAll(next.calls);
            }
            return new Part(content + next.content, all.isEmpty() ? null : merged(all));
        }
    }

    /** A whole answer: its content (null when it is only calls) and its calls (null when none). */
    record Whole(String content, List<ToolCallBody> calls) {
    }

    private final ToolCallSplitter splitter;
    private final List<String> ids = new ArrayList<>();

    ToolCallOutput(String parser) {
        this.splitter = ToolCallParsers.splitter(parser);
    }

    Part accept(String text) {
        return part(splitter.accept(text));
    }

    Part finish() {
        return part(splitter.finish());
    }

    int calls() {
        return splitter.calls();
    }

    /** A choice's finish reason once its calls are known: {@code tool_calls} for one that stopped after calls. */
    static String finishReason(String finishReason, int calls) {
        return calls > 0 && "stop".equals(finishReason) ? TOOL_CALLS : finishReason;
    }

    /** The whole answer read at once, as the streamed pieces would read it. */
    static Whole whole(String parser, String text) {
        ToolCallOutput output = new ToolCallOutput(parser);
        Part part = output.accept(text).plus(output.finish());
        if (part.calls() == null) {
            return new Whole(part.content(), null);
        }
        List<ToolCallBody> calls = new ArrayList<>();
        for (ToolCallDelta delta : part.calls()) {
            if (delta.id() != null) {
                calls.add(ToolCallBody.of(delta.id(), delta.function().name(), ""));
            }
            String fragment = delta.function() == null || delta.function().arguments() == null ? ""
                    : delta.function().arguments();
            ToolCallBody last = calls.get(delta.index());
            calls.set(delta.index(), ToolCallBody.of(last.id(), last.function().name(),
                    last.function().arguments() + fragment));
        }
        return new Whole(part.content().isBlank() ? null : part.content(), calls);
    }

    private Part part(List<Event> events) {
        StringBuilder content = new StringBuilder();
        List<ToolCallDelta> calls = new ArrayList<>();
        for (Event event : events) {
            switch (event) {
                case Content c -> content.append(c.text());
                case CallStart start -> {
                    ids.add(newId());
                    calls.add(new ToolCallDelta(start.index(), ids.get(start.index()), "function",
                            new FunctionCall(start.name(), "")));
                }
                case Arguments a -> calls.add(new ToolCallDelta(a.index(), null, null, new FunctionCall(null, a.fragment())));
            }
        }
        return new Part(content.toString(), calls.isEmpty() ? null : merged(calls));
    }

    /** A call's first piece and the fragments right after it, as one piece. */
    private static List<ToolCallDelta> merged(List<ToolCallDelta> deltas) {
        List<ToolCallDelta> out = new ArrayList<>();
        for (ToolCallDelta d : deltas) {
            ToolCallDelta last = out.isEmpty() ? null : out.getLast();
            if (last != null && last.index() == d.index() && d.id() == null) {
                out.set(out.size() - 1, new ToolCallDelta(last.index(), last.id(), last.type(),
                        new FunctionCall(last.function().name(), last.function().arguments() + d.function().arguments())));
            } else {
                out.add(d);
            }
        }
        return out;
    }

    private static String newId() {
        StringBuilder id = new StringBuilder("call_");
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < 24; i++) {
            id.append(ID_CHARS.charAt(random.nextInt(ID_CHARS.length())));
        }
        return id.toString();
    }
}
