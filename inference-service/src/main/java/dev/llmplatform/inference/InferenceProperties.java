package dev.llmplatform.inference;

import dev.llmplatform.inference.engine.EngineSettings;
import dev.llmplatform.inference.engine.onnx.DecoderOptions;
import dev.llmplatform.inference.engine.onnx.ExecutionDevice;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Settings of the inference-service ({@code llm.inference.*} in {@code inference.yml}).
 *
 * @param modelStore         root of the model store ({@code <name>/<version>/} packages)
 * @param device             {@code cpu}, {@code cuda}, or {@code auto} (CUDA when it works, else CPU; logged)
 * @param intraOpThreads     ONNX Runtime threads per operator; 0 lets it choose one per core
 * @param spinning           ONNX Runtime's intra-op workers spin between the operators of one step instead of
 *                           sleeping (stopped when the step returns): faster steps; turn off when several engines
 *                           or other processes share few cores
 * @param cudaDeviceId       GPU index for {@code cuda} and {@code auto}
 * @param maxBatchSize       most sequences decoded together, per loaded model
 * @param kvCacheBytes       KV cache memory per loaded model ("256MB", or a number of bytes)
 * @param maxWaiting         requests queued per model before new ones are refused; the request
 *                           consumer pauses at half of it so records already fetched still fit
 * @param prefillChunkTokens most prompt tokens prefilled per engine step, over all new sequences (0: whole
 *                           prompts); running sequences still get a token every step while a long prompt is read
 * @param prefixCacheBytes   part of {@code kvCacheBytes} that cached prompt prefixes may hold (0 disables reuse)
 * @param prefixBlockTokens  prefixes are cached and reused in blocks of this many tokens
 * @param preload            models (latest version) loaded and warmed up before the service reports ready
 * @param streamInterval     tokens of a stream sent together to the tokenizer (vLLM's {@code --stream-interval}):
 *                           1 streams each token at once; more cuts the Kafka path's CPU per token at the
 *                           price of burstier streams (the first token always leaves at once)
 * @param drainTimeout       at shutdown, how long running and waiting requests may go on to finish
 *                           normally (a rolling restart ends no stream early); what is left then ends
 *                           with a 503. Keep it under the pod's termination grace period.
 * @param health             when readiness reports a stalled engine ({@link Health})
 * @param orphanTimeout      a gateway not heard from on {@code llm.heartbeats} for this long (while this replica
 *                           hears itself there) is dead: its running generations are cancelled, nobody reads them
 */
@ConfigurationProperties(prefix = "llm.inference")
public record InferenceProperties(
        Path modelStore,
        @DefaultValue("auto") String device,
        @DefaultValue("0") int intraOpThreads,
        @DefaultValue("true") boolean spinning,
        @DefaultValue("0") int cudaDeviceId,
        @DefaultValue("16") int maxBatchSize,
        @DefaultValue("256MB") DataSize kvCacheBytes,
        @DefaultValue("256") int maxWaiting,
        @DefaultValue("256") int prefillChunkTokens,
        @DefaultValue("64MB") DataSize prefixCacheBytes,
        @DefaultValue("16") int prefixBlockTokens,
        @DefaultValue List<String> preload,
        @DefaultValue("1") int streamInterval,
        @DefaultValue("20s") Duration drainTimeout,
        @DefaultValue Health health,
        @DefaultValue("5s") Duration orphanTimeout) {

    /**
     * @param stallTimeout an engine with work waiting or running and no completed step for longer than this
     *                     makes the service not ready ({@code llm.inference.health.stall-timeout})
     */
    public record Health(@DefaultValue("30s") Duration stallTimeout) {
    }

    public InferenceProperties {
        if (modelStore == null) {
            throw new IllegalArgumentException("llm.inference.model-store must be set");
        }
        if (orphanTimeout == null || orphanTimeout.toMillis() < 2_000) {
            throw new IllegalArgumentException("llm.inference.orphan-timeout must be at least 2s (heartbeats come every second)");
        }
        preload = preload == null ? List.of() : List.copyOf(preload);
        if (streamInterval < 1) {
            throw new IllegalArgumentException("llm.inference.stream-interval must be >= 1, got " + streamInterval);
        }
    }

    public DecoderOptions decoderOptions() {
        return new DecoderOptions(ExecutionDevice.parse(device), intraOpThreads, cudaDeviceId).withSpinning(spinning);
    }

    public EngineSettings engineSettings() {
        return new EngineSettings(maxBatchSize, kvCacheBytes.toBytes(), maxWaiting, prefillChunkTokens,
                prefixCacheBytes.toBytes(), prefixBlockTokens);
    }
}
