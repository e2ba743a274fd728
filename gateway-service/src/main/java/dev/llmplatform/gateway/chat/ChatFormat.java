package dev.llmplatform.gateway.chat;

import dev.llmplatform.contracts.GenerationEvent.LogprobEntry;
import dev.llmplatform.gateway.chat.ChatProtocol.ChatChunk;
import dev.llmplatform.gateway.chat.ChatProtocol.ChatCompletion;
import dev.llmplatform.gateway.chat.ChatProtocol.Choice;
import dev.llmplatform.gateway.chat.ChatProtocol.ChunkChoice;
import dev.llmplatform.gateway.chat.ChatProtocol.Delta;
import dev.llmplatform.gateway.chat.ChatProtocol.Logprobs;
import dev.llmplatform.gateway.chat.ChatProtocol.Message;
import dev.llmplatform.gateway.chat.ChatProtocol.TokenLogprob;
import dev.llmplatform.gateway.chat.ChatProtocol.TopLogprob;
import dev.llmplatform.gateway.reasoning.ReasoningSplitter.Split;
import dev.llmplatform.gateway.reasoning.ReasoningTracker;
import dev.llmplatform.gateway.serving.ResponseFormat;
import dev.llmplatform.gateway.serving.ResponseId;
import dev.llmplatform.gateway.serving.TokenBytes;
import dev.llmplatform.gateway.serving.UsageBody;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Chat completions: a {@code message} per choice, or chunks whose first {@code delta} carries the
 * assistant role and the others its content; logprobs as {@code logprobs.content[]}. For a model with a
 * reasoning parser, each choice's text goes through a {@link ReasoningTracker}: the think block becomes
 * {@code reasoning_content} beside {@code content}, and usage says how many tokens were reasoning. With tools, the
 * answer (after any reasoning) is read for calls by the model's tool-call parser ({@link ToolCallOutput}). One per request.
 */
final class ChatFormat implements ResponseFormat {


    private final boolean logprobs;
    private final String reasoningParser;
    private final int reasoningEndTokenId;
    private final Map<Integer, ReasoningTracker> trackers = new HashMap<>();
    private final Map<Integer, Split> pending = new HashMap<>();
    private final String toolCallParser;
    private final Map<Integer, ToolCallOutput> toolOutputs = new HashMap<>();

    /**
     * @param logprobs        whether the client asked for logprobs (else they are written as null)
     * @param reasoningParser the model's reasoning parser, or null: all text is content, as before
     * @param reasoningEndTokenId the id of the token closing the model's think block, or -1 when unknown
     */
    ChatFormat(boolean logprobs, String reasoningParser, int reasoningEndTokenId) {
        this(logprobs, reasoningParser, reasoningEndTokenId, null);
    }

    /** @param toolCallParser the parser the answer is read with for tool calls, or null: no tools, no calls */
    ChatFormat(boolean logprobs, String reasoningParser, int reasoningEndTokenId, String toolCallParser) {
        this.logprobs = logprobs;
        this.reasoningParser = reasoningParser;
        this.reasoningEndTokenId = reasoningEndTokenId;
        this.toolCallParser = toolCallParser;
    }

    @Override
    public List<Object> opening(ResponseId id, int index) {
        return List.of(ChatChunk.of(id, new ChunkChoice(index, new Delta(ChatProtocol.ASSISTANT, ""), null, null)));
    }

    @Override
    public void observe(int index, String text, List<Integer> tokenIds) {
        if (reasoningParser != null) {
            pending.put(index, tracker(index).accept(text, tokenIds));
        }
    }

    @Override
    public Object chunk(ResponseId id, Piece piece) {
        if (reasoningParser == null && toolCallParser == null) {
            Delta delta = new Delta(null, piece.text().isEmpty() ? null : piece.text());
            return ChatChunk.of(id, new ChunkChoice(piece.index(), delta, logprobsOf(piece.logprobs()), piece.finishReason()));
        }
        Split split = new Split("", piece.text());
        if (reasoningParser != null) {
            split = pending.getOrDefault(piece.index(), Split.EMPTY);
            pending.remove(piece.index());
            if (piece.finishReason() != null) {
                Split rest = tracker(piece.index()).finish();
                split = new Split(split.reasoning() + rest.reasoning(), split.content() + rest.content());
            }
        }
        String finishReason = piece.finishReason();
        ToolCallOutput.Part part = new ToolCallOutput.Part(split.content(), null);
        if (toolCallParser != null) {
            ToolCallOutput output = toolOutputs.computeIfAbsent(piece.index(), i -> new ToolCallOutput(toolCallParser));
            part = output.accept(split.content());
            if (finishReason != null) {
                part = part.plus(output.finish());
                finishReason = ToolCallOutput.finishReason(finishReason, output.calls());
            }
        }
        if (finishReason == null && split.reasoning().isEmpty() && part.isEmpty() && piece.logprobs().isEmpty()) {
            return null;
        }
        Delta delta = new Delta(null, part.content().isEmpty() ? null : part.content(),
                split.reasoning().isEmpty() ? null : split.reasoning(), part.calls());
        return ChatChunk.of(id, new ChunkChoice(piece.index(), delta, logprobsOf(piece.logprobs()), finishReason));
    }

    @Override
    public Object usageChunk(ResponseId id, UsageBody usage) {
        return ChatChunk.usageOnly(id, withReasoning(usage));
    }

    @Override
    public Object response(ResponseId id, List<ChoiceResult> choices, UsageBody usage) {
        return ChatCompletion.of(id, choices.stream().map(this::choice).toList(), withReasoning(usage));
    }

    private Choice choice(ChoiceResult choice) {
        String content = choice.text();
        String reasoning = null;
        if (reasoningParser != null) {
            ReasoningTracker tracker = tracker(choice.index());
            tracker.finish();
            content = tracker.content();
            reasoning = tracker.reasoning().isEmpty() ? null : tracker.reasoning();
        }
        if (toolCallParser == null) {
            return new Choice(choice.index(), new Message(ChatProtocol.ASSISTANT, content, null, reasoning),
                    logprobsOf(choice.logprobs()), choice.finishReason());
        }
        ToolCallOutput.Whole whole = ToolCallOutput.whole(toolCallParser, content);
        if (whole.calls() == null) {
            return new Choice(choice.index(), new Message(ChatProtocol.ASSISTANT, content, null, reasoning),
                    logprobsOf(choice.logprobs()), choice.finishReason());
        }
        return new Choice(choice.index(), new Message(ChatProtocol.ASSISTANT, whole.content(), null, reasoning,
                whole.calls()), logprobsOf(choice.logprobs()),
                ToolCallOutput.finishReason(choice.finishReason(), whole.calls().size()));
    }

    private UsageBody withReasoning(UsageBody usage) {
        if (reasoningParser == null) {
            return usage;
        }
        return usage.withReasoningTokens(trackers.values().stream().mapToInt(ReasoningTracker::reasoningTokens).sum());
    }

    private ReasoningTracker tracker(int index) {
        return trackers.computeIfAbsent(index, i -> ReasoningTracker.of(reasoningParser, reasoningEndTokenId));
    }

    private Logprobs logprobsOf(List<LogprobEntry> entries) {
        if (!logprobs) {
            return null;
        }
        List<TokenLogprob> content = new ArrayList<>(entries.size());
        for (LogprobEntry entry : entries) {
            List<TopLogprob> top = entry.top() == null ? List.of() : entry.top().stream()
                    .map(alt -> new TopLogprob(alt.token(), alt.logprob(), TokenBytes.of(alt.token()))).toList();
            content.add(new TokenLogprob(entry.token(), entry.logprob(), TokenBytes.of(entry.token()), top));
        }
        return new Logprobs(content, null);
    }
}
