package dev.llmplatform.bench;

import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.contracts.SamplingParams;
import dev.llmplatform.contracts.Timings;
import dev.llmplatform.contracts.TokenLogprob;
import dev.llmplatform.contracts.Usage;
import dev.llmplatform.inference.engine.EngineRequest;
import dev.llmplatform.inference.engine.EngineSettings;
import dev.llmplatform.inference.engine.InferenceEngine;
import dev.llmplatform.inference.engine.TokenSink;
import dev.llmplatform.inference.engine.onnx.OnnxDecoder;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The same requests straight into an in-process {@link InferenceEngine}: no HTTP, no Kafka, no
 * tokenizer service. Each {@code onTokens} call is a chunk, stamped on the engine thread as it hands the
 * tokens over, so the figures are the engine's own and read by the same {@link ServeMetrics} as the
 * HTTP run's. Requests are greedy (or sampled at the run's temperature) with the EOS as a stop token
 * and {@code ignore_eos}, the very sampling the gateway asks of the platform's engine.
 */
final class ServeEngineTarget implements ServeLoad.Target, TokenSink, AutoCloseable {

    private record Pending(ServeTrace trace, CompletableFuture<Void> done) {
    }

    private final InferenceEngine engine;
    private final SamplingParams sampling;
    private final int eosTokenId;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    /**
     * @param maxBatch the platform's {@code llm.inference.max-batch-size}; prompts prefilled whole and no
     *                 prefix cache, as the platform is started for the benchmark; no request is refused
     */
    ServeEngineTarget(OnnxDecoder decoder, int maxBatch, long kvBytes, int maxWaiting, double temperature, int eosTokenId) {
        this.engine = new InferenceEngine("serve-bench", decoder, new EngineSettings(maxBatch, kvBytes, maxWaiting, 0), this).start();
        this.sampling = new SamplingParams(temperature, 1, 0, 0, 1, 0, 0, temperature == 0 ? null : 20261206L,
                Map.of(), null, 0, true);
        this.eosTokenId = eosTokenId;
    }

    @Override
    public void send(ServeLoad.Request request, ServeTrace trace) throws Exception {
        if (request.ids() == null) {
            throw new IllegalStateException("the engine needs token ids (no tokenizer was reachable)");
        }
        String id = "serve-" + ids.incrementAndGet();
        Pending p = new Pending(trace, new CompletableFuture<>());
        pending.put(id, p);
        trace.start();
        engine.submit(new EngineRequest(id, request.ids(), request.outputLen(), sampling, new int[]{eosTokenId}, 0));
        try {
            p.done().get();
        } catch (InterruptedException e) {
            engine.cancel(id);  // timed out: free its batch slot
            throw e;
        }
    }

    @Override
    public void onTokens(String requestId, int offset, int[] tokenIds, List<TokenLogprob> logprobs) {
        long now = System.nanoTime();
        Pending p = pending.get(requestId);
        if (p != null) {
            p.trace().chunk(now, tokenIds.length);
        }
    }

    @Override
    public void onFinished(String requestId, FinishReason reason, Usage usage, Timings timings, ErrorInfo error) {
        Pending p = pending.remove(requestId);
        if (p == null) {
            return;
        }
        if (usage != null) {
            p.trace().usage(usage.completionTokens(), usage.promptTokens());
        }
        if (reason == FinishReason.ERROR || reason == FinishReason.CANCELLED) {
            p.trace().fail(reason + (error == null ? "" : ": " + error.message()));
        }
        p.done().complete(null);
    }

    @Override
    public void close() {
        engine.close();
    }
}
