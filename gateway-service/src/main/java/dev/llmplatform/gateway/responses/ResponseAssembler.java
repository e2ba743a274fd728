package dev.llmplatform.gateway.responses;

import dev.llmplatform.contracts.ChatMessage;
import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.GenerationEvent.LogprobEntry;
import dev.llmplatform.gateway.reasoning.ReasoningSplitter.Split;
import dev.llmplatform.gateway.reasoning.ReasoningTracker;
import dev.llmplatform.gateway.responses.ResponsesEvents.ArgumentsDelta;
import dev.llmplatform.gateway.responses.ResponsesEvents.ArgumentsDone;
import dev.llmplatform.gateway.responses.ResponsesEvents.ItemEvent;
import dev.llmplatform.gateway.responses.ResponsesEvents.PartEvent;
import dev.llmplatform.gateway.responses.ResponsesEvents.ResponseEvent;
import dev.llmplatform.gateway.responses.ResponsesEvents.StreamEvent;
import dev.llmplatform.gateway.responses.ResponsesEvents.TextDelta;
import dev.llmplatform.gateway.responses.ResponsesEvents.TextDone;
import dev.llmplatform.gateway.responses.ResponsesProtocol.FunctionCallItem;
import dev.llmplatform.gateway.responses.ResponsesProtocol.IncompleteDetails;
import dev.llmplatform.gateway.responses.ResponsesProtocol.Logprob;
import dev.llmplatform.gateway.responses.ResponsesProtocol.MessageItem;
import dev.llmplatform.gateway.responses.ResponsesProtocol.OutputItem;
import dev.llmplatform.gateway.responses.ResponsesProtocol.OutputText;
import dev.llmplatform.gateway.responses.ResponsesProtocol.ReasoningItem;
import dev.llmplatform.gateway.responses.ResponsesProtocol.ReasoningText;
import dev.llmplatform.gateway.responses.ResponsesProtocol.ResponseBody;
import dev.llmplatform.gateway.responses.ResponsesProtocol.ResponseError;
import dev.llmplatform.gateway.responses.ResponsesProtocol.ResponseUsage;
import dev.llmplatform.gateway.tools.ToolCallParsers;
import dev.llmplatform.gateway.tools.ToolCallSplitter;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * Builds one response from the generation events of its single output, and the stream events that
 * tell a client how it grew. The whole answer is what this assembler holds after the last event, so
 * a streamed response and a whole one are made by the same code. Items open as their text begins:
 * the reasoning item (output 0) when a thinking model thinks, then the message; a model that cannot
 * reason gets its message opened at once, as OpenAI opens it. The reasoning is split from the answer, and its
 * tokens counted, by chat's {@link ReasoningTracker}. With function tools the answer is read for calls by chat's
 * {@link ToolCallSplitter} (the model's tool-call parser): each call is a {@code function_call} item, opened with
 * its name, its arguments streamed as {@code response.function_call_arguments.delta}; the message then opens only
 * for text outside calls (or for an answer with neither). Used by one subscriber at a time.
 */
final class ResponseAssembler {

    private final ResponseBody template;
    private final boolean logprobs;
    private final ReasoningTracker tracker;
    private final boolean mayReason;
    private final String messageId;
    private final String reasoningId;
    private final ToolCallSplitter splitter;

    /** A function call as it grows. */
    private static final class Call {
        final int index;
        final String id;
        final String callId;
        final String name;
        final StringBuilder arguments = new StringBuilder();
        boolean done;
        String status;

        Call(int index, String id, String callId, String name) {
            this.index = index;
            this.id = id;
            this.callId = callId;
            this.name = name;
        }

        FunctionCallItem item(String status) {
            return new FunctionCallItem(id, status, arguments.toString(), callId, name);
        }
    }

    private final List<Call> calls = new ArrayList<>();
    private int items;

    private final StringBuilder text = new StringBuilder();
    private final List<Logprob> tokenLogprobs = new ArrayList<>();
    private List<Logprob> pendingLogprobs = new ArrayList<>();
    private int sequence;
    private int reasoningIndex = -1;
    private int messageIndex = -1;
    private boolean reasoningDone;
    private int outputTokens;
    private ResponseBody result;

    /**
     * @param template  the response as it starts: id, model, the request's settings echoed, status in_progress
     * @param mayReason the model has a reasoning parser, so its output may open with a think block
     */
    ResponseAssembler(ResponseBody template, boolean logprobs, ReasoningTracker tracker, boolean mayReason) {
        this(template, logprobs, tracker, mayReason, null);
    }

    /** @param toolCallParser the parser the answer is read with for function calls, or null: no tools, no calls */
    ResponseAssembler(ResponseBody template, boolean logprobs, ReasoningTracker tracker, boolean mayReason,
                      String toolCallParser) {
        this.template = template;
        this.splitter = toolCallParser == null ? null : ToolCallParsers.splitter(toolCallParser);
        this.logprobs = logprobs;
        this.tracker = tracker;
        this.mayReason = mayReason;
        String hex = template.id().substring(template.id().indexOf('_') + 1);
        this.messageId = "msg_" + hex;
        this.reasoningId = "rs_" + hex;
    }

    /** {@code response.created}, {@code response.in_progress}, and the message's opening when no reasoning can come first. */
    List<StreamEvent> open() {
        List<StreamEvent> out = new ArrayList<>();
        out.add(new ResponseEvent(ResponsesEvents.CREATED, sequence++, template));
        out.add(new ResponseEvent(ResponsesEvents.IN_PROGRESS, sequence++, template));
        if (!mayReason && splitter == null) {
            openMessage(out);
        }
        return out;
    }

    /** The events one generation event adds; the last one ({@code Completed}) ends the response. */
    List<StreamEvent> accept(GenerationEvent event) {
        List<StreamEvent> out = new ArrayList<>();
        switch (event) {
            case GenerationEvent.Delta delta -> {
                add(tracker.accept(delta.text(), delta.tokenIds()), delta.tokenIds().size(), delta.logprobs(), out);
            }
            case GenerationEvent.Completed done -> {
                add(tracker.accept(done.text(), done.tokenIds()), done.tokenIds().size(), done.logprobs(), out);
                add(tracker.finish(), 0, null, out);
                finish(done, out);
            }
            case GenerationEvent.Failed failed -> out.addAll(fail(failed.error()));
            default -> {
            }
        }
        return out;
    }

    /** {@code response.failed} for a generation that failed after it began. */
    List<StreamEvent> fail(ErrorInfo error) {
        result = body("failed", output(false), usage(0), new ResponseError(
                error.status() >= 500 ? "server_error" : error.code() != null ? error.code() : "invalid_prompt",
                error.message()), null);
        return List.of(new ResponseEvent(ResponsesEvents.FAILED, sequence++, result));
    }

    /** The finished response, or null while it is still generating. */
    ResponseBody result() {
        return result;
    }

    /** The answer's text so far. */
    String text() {
        return text.toString();
    }

    /** The function calls so far, as the conversation's assistant turn carries them. */
    List<ChatMessage.ToolCall> calls() {
        return calls.stream().map(c -> new ChatMessage.ToolCall(c.callId, c.name, c.arguments.toString())).toList();
    }

    private void add(Split part, int tokens, List<LogprobEntry> entries, List<StreamEvent> out) {
        outputTokens += tokens;
        if (!part.reasoning().isEmpty()) {
            if (reasoningIndex < 0) {
                reasoningIndex = nextIndex();
                ReasoningItem item = new ReasoningItem(reasoningId, "in_progress", List.of());
                out.add(new ItemEvent(ResponsesEvents.ITEM_ADDED, sequence++, reasoningIndex, item));
                out.add(new PartEvent(ResponsesEvents.PART_ADDED, sequence++, reasoningId, reasoningIndex, 0,
                        new ReasoningText("")));
            }
            out.add(new TextDelta(ResponsesEvents.REASONING_DELTA, sequence++, reasoningId, reasoningIndex, 0,
                    part.reasoning(), null));
        }
        if (messageIndex < 0 && calls.isEmpty() && part.content().isEmpty()) {
            return;   // still thinking, or nothing decoded yet: no answer, no answer logprobs
        }
        if (logprobs && entries != null) {
            entries.forEach(entry -> pendingLogprobs.add(TokenLogprobs.of(entry)));
        }
        if (part.content().isEmpty()) {
            return;
        }
        if (splitter == null) {
            appendText(part.content(), out);
        } else {
            splitter.accept(part.content()).forEach(event -> split(event, out));
        }
    }

    private void split(ToolCallSplitter.Event event, List<StreamEvent> out) {
        switch (event) {
            case ToolCallSplitter.Content content -> {
                if (!content.text().isEmpty()) {
                    appendText(content.text(), out);
                }
            }
            case ToolCallSplitter.CallStart start -> {
                closeCall(true, out);
                closeReasoning(out);
                String hex = messageId.substring(4);
                Call call = new Call(items++, "fc_" + hex + (calls.isEmpty() ? "" : "_" + calls.size()),
                        "call_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24), start.name());
                calls.add(call);
                out.add(new ItemEvent(ResponsesEvents.ITEM_ADDED, sequence++, call.index, call.item("in_progress")));
            }
            case ToolCallSplitter.Arguments arguments -> {
                Call call = calls.get(arguments.index());
                call.arguments.append(arguments.fragment());
                out.add(new ArgumentsDelta(ResponsesEvents.ARGUMENTS_DELTA, sequence++, call.id, call.index,
                        arguments.fragment()));
            }
        }
    }

    /** The last call's {@code arguments.done} and {@code output_item.done}, once. */
    private void closeCall(boolean complete, List<StreamEvent> out) {
        if (calls.isEmpty() || calls.getLast().done) {
            return;
        }
        Call call = calls.getLast();
        call.done = true;
        call.status = complete ? "completed" : "incomplete";
        out.add(new ArgumentsDone(ResponsesEvents.ARGUMENTS_DONE, sequence++, call.id, call.index, call.name,
                call.arguments.toString()));
        out.add(new ItemEvent(ResponsesEvents.ITEM_DONE, sequence++, call.index,
                call.item(complete ? "completed" : "incomplete")));
    }

    private void appendText(String content, List<StreamEvent> out) {
        if (messageIndex < 0) {
            openMessage(out);
        }
        text.append(content);
        List<Logprob> carried = pendingLogprobs;
        tokenLogprobs.addAll(carried);
        pendingLogprobs = new ArrayList<>();
        out.add(new TextDelta(ResponsesEvents.TEXT_DELTA, sequence++, messageId, messageIndex, 0, content,
                carried));
    }

    private void openMessage(List<StreamEvent> out) {
        closeReasoning(out);
        messageIndex = nextIndex();
        out.add(new ItemEvent(ResponsesEvents.ITEM_ADDED, sequence++, messageIndex,
                new MessageItem(messageId, "in_progress", List.of())));
        out.add(new PartEvent(ResponsesEvents.PART_ADDED, sequence++, messageId, messageIndex, 0,
                new OutputText("", List.of())));
    }

    private void closeReasoning(List<StreamEvent> out) {
        if (reasoningIndex < 0 || reasoningDone) {
            return;
        }
        reasoningDone = true;
        ReasoningText part = new ReasoningText(tracker.reasoning());
        out.add(new TextDone(ResponsesEvents.REASONING_DONE, sequence++, reasoningId, reasoningIndex, 0,
                part.text(), null));
        out.add(new PartEvent(ResponsesEvents.PART_DONE, sequence++, reasoningId, reasoningIndex, 0, part));
        out.add(new ItemEvent(ResponsesEvents.ITEM_DONE, sequence++, reasoningIndex, reasoningItem()));
    }

    private void finish(GenerationEvent.Completed done, List<StreamEvent> out) {
        boolean complete = done.finishReason() == FinishReason.STOP;
        if (splitter != null) {
            splitter.finish().forEach(event -> split(event, out));
            closeCall(complete, out);
        }
        if (messageIndex < 0 && calls.isEmpty()) {
            openMessage(out);   // an empty answer still has its message, as clients read the text from it
        }
        tokenLogprobs.addAll(pendingLogprobs);
        pendingLogprobs = new ArrayList<>();
        if (messageIndex >= 0) {
            OutputText part = outputText();
            out.add(new TextDone(ResponsesEvents.TEXT_DONE, sequence++, messageId, messageIndex, 0, part.text(),
                    part.logprobs()));
            out.add(new PartEvent(ResponsesEvents.PART_DONE, sequence++, messageId, messageIndex, 0, part));
            out.add(new ItemEvent(ResponsesEvents.ITEM_DONE, sequence++, messageIndex, messageItem(complete)));
        }
        int input = done.usage() == null ? 0 : done.usage().promptTokens();
        int output = done.usage() == null ? outputTokens : done.usage().completionTokens();
        ResponseUsage usage = ResponseUsage.of(input, output, Math.min(tracker.reasoningTokens(), output));
        String type;
        switch (done.finishReason()) {
            case STOP -> {
                result = body("completed", output(true), usage, null, null);
                type = ResponsesEvents.COMPLETED;
            }
            case LENGTH -> {
                result = body("incomplete", output(false), usage, null, new IncompleteDetails("max_output_tokens"));
                type = ResponsesEvents.INCOMPLETE;
            }
            case CANCELLED -> {
                result = body("cancelled", output(false), usage, new ResponseError("cancelled",
                        "The generation was cancelled"), null);
                type = ResponsesEvents.FAILED;
            }
            default -> {
                result = body("failed", output(false), usage, new ResponseError("server_error",
                        "The generation failed"), null);
                type = ResponsesEvents.FAILED;
            }
        }
        out.add(new ResponseEvent(type, sequence++, result));
    }

    private List<OutputItem> output(boolean complete) {
        record Indexed(int index, OutputItem item) {
        }
        List<Indexed> indexed = new ArrayList<>();
        if (reasoningIndex >= 0) {
            indexed.add(new Indexed(reasoningIndex, reasoningItem()));
        }
        if (messageIndex >= 0) {
            indexed.add(new Indexed(messageIndex, messageItem(complete)));
        }
        for (Call call : calls) {
            indexed.add(new Indexed(call.index, call.item(call.status != null ? call.status
                    : complete ? "completed" : "incomplete")));
        }
        indexed.sort(Comparator.comparingInt(Indexed::index));
        return indexed.stream().map(Indexed::item).toList();
    }

    private ReasoningItem reasoningItem() {
        return new ReasoningItem(reasoningId, "completed", List.of(new ReasoningText(tracker.reasoning())));
    }

    private MessageItem messageItem(boolean complete) {
        return new MessageItem(messageId, complete ? "completed" : "incomplete", List.of(outputText()));
    }

    private OutputText outputText() {
        return new OutputText(text.toString(), List.copyOf(tokenLogprobs));
    }

    private int nextIndex() {
        return items++;
    }

    private ResponseUsage usage(int input) {
        return ResponseUsage.of(input, outputTokens, Math.min(tracker.reasoningTokens(), outputTokens));
    }

    private ResponseBody body(String status, List<OutputItem> output, ResponseUsage usage, ResponseError error,
                              IncompleteDetails incomplete) {
        ResponseBody t = template;
        return new ResponseBody(t.id(), t.object(), t.createdAt(), status, error, incomplete, t.instructions(),
                t.maxOutputTokens(), t.model(), output, t.parallelToolCalls(), t.previousResponseId(), t.reasoning(),
                t.store(), t.temperature(), t.text(), t.toolChoice(), t.tools(), t.topP(), t.topLogprobs(),
                t.truncation(), usage, t.user(), t.metadata());
    }
}
