package dev.llmplatform.gateway.completions;

import dev.llmplatform.contracts.GenerationEvent.LogprobEntry;
import dev.llmplatform.gateway.completions.CompletionsProtocol.Choice;
import dev.llmplatform.gateway.completions.CompletionsProtocol.CompletionChunk;
import dev.llmplatform.gateway.completions.CompletionsProtocol.CompletionResponse;
import dev.llmplatform.gateway.completions.CompletionsProtocol.Logprobs;
import dev.llmplatform.gateway.serving.ResponseFormat;
import dev.llmplatform.gateway.serving.ResponseId;
import dev.llmplatform.gateway.serving.UsageBody;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Text completions: {@code choices[].text}, logprobs in OpenAI's legacy shape, and with
 * {@code echo} the prompt before the completion (streamed as each choice's first chunk). With
 * {@code echo} and {@code logprobs}, the prompt's tokens lead the logprobs too, the first with null
 * {@code token_logprobs} and {@code top_logprobs} (nothing precedes it), and {@code text_offset}
 * runs on over prompt and completion.
 *
 * @param logprobs    whether the client asked for logprobs (else they are written as null)
 * @param echoPrompts the prompts to echo, or null
 * @param perPrompt   choices per prompt ({@code n}): choice {@code i} answers prompt {@code i / perPrompt}
 */
record CompletionFormat(boolean logprobs, List<String> echoPrompts, int perPrompt) implements ResponseFormat {

    /** The prompt choice {@code index} echoes, or null. */
    private String echoOf(int index) {
        return echoPrompts == null ? null : echoPrompts.get(index / perPrompt);
    }

    @Override
    public List<Object> opening(ResponseId id, int index) {
        return opening(id, index, List.of());
    }

    @Override
    public List<Object> opening(ResponseId id, int index, List<LogprobEntry> promptLogprobs) {
        if (echoOf(index) == null) {
            return List.of();
        }
        Logprobs prompt = promptLogprobs.isEmpty() ? null : logprobsOf(promptLogprobs, List.of(), 0);
        return List.of(CompletionChunk.of(id, new Choice(index, echoOf(index), prompt, null)));
    }

    @Override
    public Object chunk(ResponseId id, Piece piece) {
        return CompletionChunk.of(id, new Choice(piece.index(), piece.text(),
                logprobsOf(List.of(), piece.logprobs(), piece.textOffset()), piece.finishReason()));
    }

    @Override
    public Object usageChunk(ResponseId id, UsageBody usage) {
        return CompletionChunk.usageOnly(id, usage);
    }

    @Override
    public Object response(ResponseId id, List<ChoiceResult> choices, UsageBody usage) {
        return CompletionResponse.of(id, choices.stream().map(c -> new Choice(c.index(),
                (echoOf(c.index()) == null ? "" : echoOf(c.index())) + c.text(),
                logprobsOf(echoOf(c.index()) == null ? List.of() : c.promptLogprobs(), c.logprobs(), 0),
                c.finishReason())).toList(), usage);
    }

    /**
     * The prompt's entries (the first has no logprob) then the completion's. Offsets count the token
     * texts, as vLLM does; a token holding part of a character counts its U+FFFD.
     */
    private Logprobs logprobsOf(List<LogprobEntry> prompt, List<LogprobEntry> entries, int firstOffset) {
        if (!logprobs) {
            return null;
        }
        int size = prompt.size() + entries.size();
        Logprobs out = new Logprobs(new ArrayList<>(size), new ArrayList<>(size), new ArrayList<>(size),
                new ArrayList<>(size));
        int offset = firstOffset;
        for (int i = 0; i < prompt.size(); i++) {
            offset = append(out, prompt.get(i), offset, i == 0);
        }
        for (LogprobEntry entry : entries) {
            offset = append(out, entry, offset, false);
        }
        return out;
    }

    /** Adds one token; returns the offset after its text. */
    private static int append(Logprobs out, LogprobEntry entry, int offset, boolean unscored) {
        out.tokens().add(entry.token());
        out.tokenLogprobs().add(unscored ? null : entry.logprob());
        Map<String, Double> alternatives = null;
        if (!unscored) {
            alternatives = new LinkedHashMap<>();
            // Two ids can share a text (partial characters); the first, more likely one is kept.
            if (entry.top() != null) {
                Map<String, Double> into = alternatives;
                entry.top().forEach(alt -> into.putIfAbsent(alt.token(), alt.logprob()));
            }
        }
        out.topLogprobs().add(alternatives);
        out.textOffset().add(offset);
        return offset + entry.token().codePointCount(0, entry.token().length());
    }
}
