package dev.llmplatform.gateway.support;

import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.Timings;
import dev.llmplatform.contracts.Usage;

import java.util.List;

/** The replies a tokenizer-service would send, for tests that play its part. */
public final class Replies {

    public static final String TOO_LONG_MESSAGE =
            "This model's maximum context length is 64 tokens, but the prompt has 300 tokens";

    private Replies() {
    }

    public static GenerationEvent delta(String requestId, String text, Integer... tokenIds) {
        return new GenerationEvent.Delta(GenerationEvent.CURRENT_VERSION, requestId, text, List.of(tokenIds), null);
    }

    public static GenerationEvent completed(String requestId, String text, FinishReason reason, Usage usage) {
        return new GenerationEvent.Completed(GenerationEvent.CURRENT_VERSION, requestId, text, List.of(9), null,
                reason, usage, new Timings(1, 2, 3));
    }

    public static GenerationEvent failed(String requestId, ErrorInfo error) {
        return new GenerationEvent.Failed(GenerationEvent.CURRENT_VERSION, requestId, error);
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
