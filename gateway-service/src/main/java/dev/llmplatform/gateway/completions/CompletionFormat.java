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
 * {@code echo} the prompt before the completion (streamed as each choice's first chunk).
 *
 * @param logprobs   whether the client asked for logprobs (else they are written as null)
 * @param echoPrompt the prompt to echo, or null
 */
record CompletionFormat(boolean logprobs, String echoPrompt) implements ResponseFormat {

    @Override
    public List<Object> opening(ResponseId id, int index) {
        return echoPrompt == null ? List.of() : List.of(CompletionChunk.of(id, new Choice(index, echoPrompt, null, null)));
    }

    @Override
    public Object chunk(ResponseId id, Piece piece) {
        return CompletionChunk.of(id, new Choice(piece.index(), piece.text(),
                logprobsOf(piece.logprobs(), piece.textOffset()), piece.finishReason()));
    }

    @Override
    public Object usageChunk(ResponseId id, UsageBody usage) {
        return CompletionChunk.usageOnly(id, usage);
    }

    @Override
    public Object response(ResponseId id, List<ChoiceResult> choices, UsageBody usage) {
        String prefix = echoPrompt == null ? "" : echoPrompt;
        return CompletionResponse.of(id, choices.stream().map(c -> new Choice(c.index(), prefix + c.text(),
                logprobsOf(c.logprobs(), 0), c.finishReason())).toList(), usage);
    }

    /** Offsets count the token texts, as vLLM does; a token holding part of a character counts its U+FFFD. */
    private Logprobs logprobsOf(List<LogprobEntry> entries, int firstOffset) {
        if (!logprobs) {
            return null;
        }
        List<String> tokens = new ArrayList<>(entries.size());
        List<Double> tokenLogprobs = new ArrayList<>(entries.size());
        List<Map<String, Double>> top = new ArrayList<>(entries.size());
        List<Integer> offsets = new ArrayList<>(entries.size());
        int offset = firstOffset;
        for (LogprobEntry entry : entries) {
            tokens.add(entry.token());
            tokenLogprobs.add(entry.logprob());
            Map<String, Double> alternatives = new LinkedHashMap<>();
            // Two ids can share a text (partial characters); the first, more likely one is kept.
            if (entry.top() != null) {
                entry.top().forEach(alt -> alternatives.putIfAbsent(alt.token(), alt.logprob()));
            }
            top.add(alternatives);
            offsets.add(offset);
            offset += entry.token().codePointCount(0, entry.token().length());
        }
        return new Logprobs(tokens, tokenLogprobs, top, offsets);
    }
}
