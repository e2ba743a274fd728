package dev.llmplatform.bench;

import java.util.Arrays;

/**
 * Stamps one request's chunks as they arrive (HTTP SSE chunks, or the engine's {@code onTokens} calls)
 * and turns them into a {@link ServeOutput}. Written by one thread at a time: the reader of the stream.
 */
final class ServeTrace {

    private final long arrivalNanos;
    private final int promptLen;
    private long startNanos;
    private long[] chunks = new long[64];
    private int count;
    private int tokens;
    private int usageTokens = -1;
    private int usagePrompt = -1;
    private String error;
    private String responseId;

    ServeTrace(long arrivalNanos, int promptLen) {
        this.arrivalNanos = arrivalNanos;
        this.promptLen = promptLen;
        this.startNanos = arrivalNanos;
    }

    /** The request goes out now (after any wait for the concurrency cap). */
    void start() {
        start(System.nanoTime());
    }

    void start(long nanos) {
        startNanos = nanos;
    }

    /** A chunk with choices arrived now, carrying this many tokens (as far as the reader can tell). */
    void chunk(int tokenCount) {
        chunk(System.nanoTime(), tokenCount);
    }

    void chunk(long nanos, int tokenCount) {
        if (count == chunks.length) {
            chunks = Arrays.copyOf(chunks, count * 2);
        }
        chunks[count++] = nanos;
        tokens += tokenCount;
    }

    /** The server's own counts ({@code usage}): they win over what the reader counted. */
    void usage(int completionTokens, int promptTokens) {
        usageTokens = completionTokens;
        usagePrompt = promptTokens;
    }

    /** The server's id of the response (its chunks' {@code id}), so a failed request can be looked up there. */
    void responseId(String id) {
        if (responseId == null) {
            responseId = id;
        }
    }

    String responseId() {
        return responseId;
    }

    int chunks() {
        return count;
    }

    int tokens() {
        return tokens;
    }

    void fail(String message) {
        if (error == null) {
            error = message;
        }
    }

    /**
     * vLLM's rules: a request succeeded when it ended without error and at least one chunk with choices
     * came ("Never received a valid chunk to calculate TTFT" otherwise).
     */
    ServeOutput toOutput(long originNanos) {
        int prompt = usagePrompt >= 0 ? usagePrompt : promptLen;
        double startTime = (startNanos - originNanos) / 1e9;
        double queued = (startNanos - arrivalNanos) / 1e9;
        if (error != null || count == 0) {
            return ServeOutput.failed(prompt, startTime, queued,
                    error != null ? error : "Never received a valid chunk to calculate TTFT");
        }
        double[] itl = new double[count - 1];
        for (int i = 1; i < count; i++) {
            itl[i - 1] = (chunks[i] - chunks[i - 1]) / 1e9;
        }
        return new ServeOutput(true, prompt, usageTokens >= 0 ? usageTokens : tokens, startTime,
                (chunks[0] - startNanos) / 1e9, itl, (chunks[count - 1] - startNanos) / 1e9, queued, null);
    }
}
