package dev.llmplatform.gateway.responses;

import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.GenerationEvent.LogprobEntry;
import dev.llmplatform.gateway.reasoning.ReasoningSplitter.Split;
import dev.llmplatform.gateway.reasoning.ReasoningTracker;
import dev.llmplatform.gateway.responses.ResponsesEvents.ItemEvent;
import dev.llmplatform.gateway.responses.ResponsesEvents.PartEvent;
import dev.llmplatform.gateway.responses.ResponsesEvents.ResponseEvent;
import dev.llmplatform.gateway.responses.ResponsesEvents.StreamEvent;
import dev.llmplatform.gateway.responses.ResponsesEvents.TextDelta;
import dev.llmplatform.gateway.responses.ResponsesEvents.TextDone;
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

import java.util.ArrayList;
import java.util.List;

/**
 * Builds one response from the generation events of its single output, and the stream events that
 * tell a client how it grew. The whole answer is what this assembler holds after the last event, so
 * a streamed response and a whole one are made by the same code. Items open as their text begins:
 * the reasoning item (output 0) when a thinking model thinks, then the message; a model that cannot
 * reason gets its message opened at once, as OpenAI opens it. The reasoning is split from the answer, and its
 * tokens counted, by chat's {@link ReasoningTracker}. Used by one subscriber at a time.
 */
final class ResponseAssembler {

    private final ResponseBody template;
    private final boolean logprobs;
    private final ReasoningTracker tracker;
    private final boolean mayReason;
    private final String messageId;
    private final String reasoningId;

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
        this.template = template;
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
        if (!mayReason) {
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
        if (messageIndex < 0 && part.content().isEmpty()) {
            return;   // still thinking, or nothing decoded yet: no answer, no answer logprobs
        }
        if (logprobs && entries != null) {
            entries.forEach(entry -> pendingLogprobs.add(TokenLogprobs.of(entry)));
        }
        if (part.content().isEmpty()) {
            return;
        }
        if (messageIndex < 0) {
            openMessage(out);
        }
        text.append(part.content());
        List<Logprob> carried = pendingLogprobs;
        tokenLogprobs.addAll(carried);
        pendingLogprobs = new ArrayList<>();
        out.add(new TextDelta(ResponsesEvents.TEXT_DELTA, sequence++, messageId, messageIndex, 0, part.content(),
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
        if (messageIndex < 0) {
            openMessage(out);   // an empty answer still has its message, as clients read the text from it
        }
        tokenLogprobs.addAll(pendingLogprobs);
        pendingLogprobs = new ArrayList<>();
        boolean complete = done.finishReason() == FinishReason.STOP;
        OutputText part = outputText();
        out.add(new TextDone(ResponsesEvents.TEXT_DONE, sequence++, messageId, messageIndex, 0, part.text(),
                part.logprobs()));
        out.add(new PartEvent(ResponsesEvents.PART_DONE, sequence++, messageId, messageIndex, 0, part));
        out.add(new ItemEvent(ResponsesEvents.ITEM_DONE, sequence++, messageIndex, messageItem(complete)));
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
        List<OutputItem> items = new ArrayList<>(2);
        if (reasoningIndex >= 0) {
            items.add(reasoningItem());
        }
        if (messageIndex >= 0) {
            items.add(messageItem(complete));
        }
        return items;
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
        return (reasoningIndex >= 0 ? 1 : 0) + (messageIndex >= 0 ? 1 : 0);
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
