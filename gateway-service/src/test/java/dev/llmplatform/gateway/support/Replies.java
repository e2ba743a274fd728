package dev.llmplatform.gateway.support;

import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.GenerationEvent.LogprobEntry;
import dev.llmplatform.contracts.GenerationRequest;
import dev.llmplatform.contracts.Timings;
import dev.llmplatform.contracts.Usage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The replies a tokenizer-service would send, for tests that play its part. */
public final class Replies {

    public static final String TOO_LONG_MESSAGE =
            "This model's maximum context length is 64 tokens, but the prompt has 300 tokens";

    private Replies() {
    }

    public static GenerationEvent delta(String requestId, String text, Integer... tokenIds) {
        return new GenerationEvent.Delta(GenerationEvent.CURRENT_VERSION, requestId, text, List.of(tokenIds), null, null, null);
    }

    public static GenerationEvent completed(String requestId, String text, FinishReason reason, Usage usage) {
        return new GenerationEvent.Completed(GenerationEvent.CURRENT_VERSION, requestId, text, List.of(9), null,
                reason, usage, new Timings(1, 2, 3), null);
    }

    public static GenerationEvent failed(String requestId, ErrorInfo error) {
        return new GenerationEvent.Failed(GenerationEvent.CURRENT_VERSION, requestId, error);
    }

    /** Each scripted token's own text; id 3 holds part of a character, as a byte-level token can. */
    public static final Map<Integer, String> TOKEN_TEXTS = Map.of(1, "Hello", 2, ", ", 3, "\uFFFD", 4, "世界", 9, " 🙂");

    /**
     * {@link #scripted(String, String)} for a generation request: the script is named by the prompt,
     * or by the last message of a chat. When the request asks for logprobs, every event carries one
     * {@link #logprob} per token with that many alternatives; when it asks for prompt logprobs, the
     * first event carries {@link #promptLogprobs}.
     */
    public static List<GenerationEvent> scripted(GenerationRequest request) {
        String text = request.prompt() != null ? request.prompt()
                : request.messages() != null ? request.messages().getLast().content()
                : request.promptTokenIds().stream().map(Character::toString).collect(java.util.stream.Collectors.joining());
        List<GenerationEvent> events = scripted(request.requestId(), text);
        Integer top = request.sampling().logprobs();
        events = top == null ? events : events.stream().map(event -> withLogprobs(event, top)).toList();
        if (request.promptLogprobs() == null || events.isEmpty()) {
            return events;
        }
        List<GenerationEvent> withPrompt = new ArrayList<>(events);
        withPrompt.set(0, withPromptLogprobs(events.getFirst(), promptLogprobs(text, request.promptLogprobs())));
        return withPrompt;
    }

    /**
     * The prompt as tokens of one word each (a space goes with the word after it), ids 200, 201, …;
     * the first has no logprob (0, no alternatives), token i has -0.5·i and alternatives "p1", "p2", … .
     */
    public static List<LogprobEntry> promptLogprobs(String prompt, int alternatives) {
        String[] words = prompt.split("(?= )");
        List<LogprobEntry> entries = new ArrayList<>(words.length);
        for (int i = 0; i < words.length; i++) {
            double logprob = -0.5 * i;
            List<LogprobEntry.Alternative> top = new ArrayList<>();
            for (int j = 0; i > 0 && j < alternatives; j++) {
                top.add(j == 0 ? new LogprobEntry.Alternative(words[i], 200 + i, logprob)
                        : new LogprobEntry.Alternative("p" + j, 300 + j, logprob - j));
            }
            entries.add(new LogprobEntry(words[i], 200 + i, logprob, top));
        }
        return entries;
    }

    private static GenerationEvent withPromptLogprobs(GenerationEvent event, List<LogprobEntry> prompt) {
        return switch (event) {
            case GenerationEvent.Delta d -> new GenerationEvent.Delta(d.schemaVersion(), d.requestId(), d.text(),
                    d.tokenIds(), d.logprobs(), prompt, d.offset());
            case GenerationEvent.Completed c -> new GenerationEvent.Completed(c.schemaVersion(), c.requestId(), c.text(),
                    c.tokenIds(), c.logprobs(), c.finishReason(), c.usage(), c.timings(), prompt);
            default -> event;
        };
    }

    /** Token k has logprob -0.1·k; its alternatives (itself first) are sorted, most likely first. */
    public static LogprobEntry logprob(int tokenId, int alternatives) {
        double logprob = -0.1 * tokenId;
        List<LogprobEntry.Alternative> top = new ArrayList<>();
        for (int j = 0; j < alternatives; j++) {
            top.add(j == 0 ? new LogprobEntry.Alternative(tokenText(tokenId), tokenId, logprob)
                    : new LogprobEntry.Alternative("alt" + j, 100 + j, logprob - j));
        }
        return new LogprobEntry(tokenText(tokenId), tokenId, logprob, top);
    }

    private static String tokenText(int tokenId) {
        return TOKEN_TEXTS.getOrDefault(tokenId, "t" + tokenId);
    }

    private static GenerationEvent withLogprobs(GenerationEvent event, int top) {
        return switch (event) {
            case GenerationEvent.Delta d -> new GenerationEvent.Delta(d.schemaVersion(), d.requestId(), d.text(),
                    d.tokenIds(), d.tokenIds().stream().map(id -> logprob(id, top)).toList(), d.promptLogprobs(), d.offset());
            case GenerationEvent.Completed c -> new GenerationEvent.Completed(c.schemaVersion(), c.requestId(), c.text(),
                    c.tokenIds(), c.tokenIds().stream().map(id -> logprob(id, top)).toList(), c.finishReason(),
                    c.usage(), c.timings(), c.promptLogprobs());
            default -> event;
        };
    }

    /**
     * The reply a script names by the prompt's first word:
     * {@code too-long} fails at once as a prompt over the context would, {@code fail-midway} fails
     * after one delta, {@code hang} sends one delta and then nothing, {@code silent} nothing at all;
     * any other prompt gets "Hello, 世界 🙂" in four pieces (multi-byte text on purpose), length-limited.
     */
    public static List<GenerationEvent> scripted(String requestId, String prompt) {
        String script = prompt.split(" ", 2)[0];
        return switch (script) {
            case "too-long" -> List.of(failed(requestId, ErrorInfo.invalidRequest(TOO_LONG_MESSAGE, "prompt")));
            case "fail-midway" -> List.of(delta(requestId, "Once", 1),
                    failed(requestId, ErrorInfo.internal("the engine failed")));
            case "hang" -> List.of(delta(requestId, "Once", 1));
            case "silent" -> List.of();
            default -> List.of(
                    delta(requestId, "Hello", 1),
                    delta(requestId, ", ", 2),
                    delta(requestId, "", 3),
                    delta(requestId, "世界", 4),
                    completed(requestId, " 🙂", FinishReason.LENGTH, new Usage(3, 5)));
        };
    }
}
