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
import dev.llmplatform.gateway.serving.ResponseFormat;
import dev.llmplatform.gateway.serving.ResponseId;
import dev.llmplatform.gateway.serving.UsageBody;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Chat completions: a {@code message} per choice, or chunks whose first {@code delta} carries the
 * assistant role and the others its content; logprobs as {@code logprobs.content[]}.
 *
 * @param logprobs whether the client asked for logprobs (else they are written as null)
 */
record ChatFormat(boolean logprobs) implements ResponseFormat {

    private static final char REPLACEMENT = '\uFFFD';

    @Override
    public List<Object> opening(ResponseId id, int index) {
        return List.of(ChatChunk.of(id, new ChunkChoice(index, new Delta(ChatProtocol.ASSISTANT, ""), null, null)));
    }

    @Override
    public Object chunk(ResponseId id, Piece piece) {
        Delta delta = new Delta(null, piece.text().isEmpty() ? null : piece.text());
        return ChatChunk.of(id, new ChunkChoice(piece.index(), delta, logprobsOf(piece.logprobs()), piece.finishReason()));
    }

    @Override
    public Object usageChunk(ResponseId id, UsageBody usage) {
        return ChatChunk.usageOnly(id, usage);
    }

    @Override
    public Object response(ResponseId id, List<ChoiceResult> choices, UsageBody usage) {
        return ChatCompletion.of(id, choices.stream().map(c -> new Choice(c.index(), Message.assistant(c.text()),
                logprobsOf(c.logprobs()), c.finishReason())).toList(), usage);
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
