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
import dev.llmplatform.gateway.serving.UsageBody;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Chat completions: a {@code message} per choice, or chunks whose first {@code delta} carries the
 * assistant role and the others its content; logprobs as {@code logprobs.content[]}. For a model with a
 * reasoning parser, each choice's text goes through a {@link ReasoningTracker}: the think block becomes
 * {@code reasoning_content} beside {@code content}, and usage says how many tokens were reasoning. One per request.
 */
final class ChatFormat implements ResponseFormat {

    private static final char REPLACEMENT = '\uFFFD';

    private final boolean logprobs;
    private final String reasoningParser;
    private final int reasoningEndTokenId;
    private final Map<Integer, ReasoningTracker> trackers = new HashMap<>();
    private final Map<Integer, Split> pending = new HashMap<>();

    /**
     * @param logprobs        whether the client asked for logprobs (else they are written as null)
     * @param reasoningParser the model's reasoning parser, or null: all text is content, as before
     * @param reasoningEndTokenId the id of the token closing the model's think block, or -1 when unknown
     */
    ChatFormat(boolean logprobs, String reasoningParser, int reasoningEndTokenId) {
        this.logprobs = logprobs;
        this.reasoningParser = reasoningParser;
        this.reasoningEndTokenId = reasoningEndTokenId;
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
        if (reasoningParser == null) {
            Delta delta = new Delta(null, piece.text().isEmpty() ? null : piece.text());
            return ChatChunk.of(id, new ChunkChoice(piece.index(), delta, logprobsOf(piece.logprobs()), piece.finishReason()));
        }
        Split split = pending.getOrDefault(piece.index(), Split.EMPTY);
        pending.remove(piece.index());
        if (piece.finishReason() != null) {
            Split rest = tracker(piece.index()).finish();
            split = new Split(split.reasoning() + rest.reasoning(), split.content() + rest.content());
        } else if (split.isEmpty() && piece.logprobs().isEmpty()) {
            return null;
        }
        Delta delta = new Delta(null, split.content().isEmpty() ? null : split.content(),
                split.reasoning().isEmpty() ? null : split.reasoning());
        return ChatChunk.of(id, new ChunkChoice(piece.index(), delta, logprobsOf(piece.logprobs()), piece.finishReason()));
    }

    @Override
    public Object usageChunk(ResponseId id, UsageBody usage) {
        return ChatChunk.usageOnly(id, withReasoning(usage));
    }

    @Override
    public Object response(ResponseId id, List<ChoiceResult> choices, UsageBody usage) {
        return ChatCompletion.of(id, choices.stream().map(c -> new Choice(c.index(), message(c),
                logprobsOf(c.logprobs()), c.finishReason())).toList(), withReasoning(usage));
    }

    private Message message(ChoiceResult choice) {
        if (reasoningParser == null) {
            return Message.assistant(choice.text());
        }
        ReasoningTracker tracker = tracker(choice.index());
        tracker.finish();
        String reasoning = tracker.reasoning();
        return new Message(ChatProtocol.ASSISTANT, tracker.content(), null, reasoning.isEmpty() ? null : reasoning);
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
                    .map(alt -> new TopLogprob(alt.token(), alt.logprob(), bytesOf(alt.token()))).toList();
            content.add(new TokenLogprob(entry.token(), entry.logprob(), bytesOf(entry.token()), top));
        }
        return new Logprobs(content, null);
    }

    /**
     * The token's UTF-8 bytes. Only its text reaches the gateway, and a token holding part of a
     * character reads as U+FFFD, whose bytes would be wrong: such a token gets null (allowed by OpenAI).
     */
    static List<Integer> bytesOf(String token) {
        if (token.indexOf(REPLACEMENT) >= 0) {
            return null;
        }
        byte[] utf8 = token.getBytes(StandardCharsets.UTF_8);
        List<Integer> bytes = new ArrayList<>(utf8.length);
        for (byte b : utf8) {
            bytes.add(b & 0xff);
        }
        return bytes;
    }
}
