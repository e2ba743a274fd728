package dev.llmplatform.bench;

import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.contracts.Timings;
import dev.llmplatform.contracts.TokenLogprob;
import dev.llmplatform.contracts.Usage;
import dev.llmplatform.inference.engine.TokenSink;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A {@link TokenSink} that stamps every token with {@link System#nanoTime()} as the engine hands it
 * over, so latencies are the engine's own (no Kafka, no detokenizer), and summarises a run.
 */
final class StreamRecorder implements TokenSink {

    /** What one run of N concurrent streams achieved; times in milliseconds, rates in tokens per second. */
    record Summary(int streams, long tokens, double wallMs, double aggregateTps, double decodeTps,
                   double ttftP50, double ttftP99, double itlP50, double itlP99) {
    }

    private static final class Stream {
        final long submitted;
        final long[] tokenTimes;
        int count;
        volatile FinishReason reason;
        volatile long finished;

        Stream(long submitted, int maxTokens) {
            this.submitted = submitted;
            this.tokenTimes = new long[maxTokens];
        }
    }

    private final Map<String, Stream> streams = new ConcurrentHashMap<>();
    private final CountDownLatch done;
    private final List<String> errors = new ArrayList<>();

    StreamRecorder(int expectedStreams) {
        this.done = new CountDownLatch(expectedStreams);
    }

    /** Call just before submitting the request. */
    void submitted(String id, int maxTokens) {
        streams.put(id, new Stream(System.nanoTime(), maxTokens));
    }

    @Override
    public void onTokens(String requestId, int offset, int[] tokenIds, List<TokenLogprob> logprobs) {
        long now = System.nanoTime();
        Stream s = streams.get(requestId);
        for (int i = 0; i < tokenIds.length && s.count < s.tokenTimes.length; i++) {
            s.tokenTimes[s.count++] = now;
        }
    }

    @Override
    public void onFinished(String requestId, FinishReason reason, Usage usage, Timings timings, ErrorInfo error) {
        Stream s = streams.get(requestId);
        s.finished = System.nanoTime();
        s.reason = reason;
        if (error != null) {
            synchronized (errors) {
                errors.add(requestId + ": " + error.message());
            }
        }
        done.countDown();
    }

    void await(long timeoutSeconds) throws InterruptedException {
        if (!done.await(timeoutSeconds, TimeUnit.SECONDS)) {
            throw new IllegalStateException("streams did not finish within " + timeoutSeconds + " s");
        }
        if (!errors.isEmpty()) {
            throw new IllegalStateException("streams failed: " + errors);
        }
    }

    /**
     * Aggregate rate is all tokens over the whole run (prefill included). The decode rate counts only
     * the steady state: tokens after the last stream got its first one, over the time from then to the end.
     */
    Summary summary() {
        long firstSubmit = Long.MAX_VALUE;
        long lastFirstToken = 0;
        long end = 0;
        long tokens = 0;
        List<Double> ttft = new ArrayList<>();
        List<Double> itl = new ArrayList<>();
        for (Stream s : streams.values()) {
            firstSubmit = Math.min(firstSubmit, s.submitted);
            end = Math.max(end, s.finished);
            tokens += s.count;
            if (s.count > 0) {
                lastFirstToken = Math.max(lastFirstToken, s.tokenTimes[0]);
                ttft.add((s.tokenTimes[0] - s.submitted) / 1e6);
            }
            for (int i = 1; i < s.count; i++) {
                itl.add((s.tokenTimes[i] - s.tokenTimes[i - 1]) / 1e6);
            }
        }
        long decodeTokens = 0;
        for (Stream s : streams.values()) {
            for (int i = 0; i < s.count; i++) {
                if (s.tokenTimes[i] > lastFirstToken) {
                    decodeTokens++;
                }
            }
        }
        double wallMs = (end - firstSubmit) / 1e6;
        double decodeMs = (end - lastFirstToken) / 1e6;
        return new Summary(streams.size(), tokens, wallMs, tokens / (wallMs / 1e3),
                decodeMs > 0 ? decodeTokens / (decodeMs / 1e3) : Double.NaN,
                percentile(ttft, 50), percentile(ttft, 99), percentile(itl, 50), percentile(itl, 99));
    }

    static double percentile(List<Double> values, double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.clamp(rank, 0, sorted.length - 1)];
    }
}
