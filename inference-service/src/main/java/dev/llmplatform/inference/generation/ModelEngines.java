package dev.llmplatform.inference.generation;

import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.inference.engine.EngineHealth;
import dev.llmplatform.inference.engine.EngineSettings;
import dev.llmplatform.inference.engine.EngineStats;
import dev.llmplatform.inference.engine.InferenceEngine;
import dev.llmplatform.inference.engine.TokenSink;
import dev.llmplatform.inference.engine.onnx.DecoderOptions;
import dev.llmplatform.inference.engine.onnx.OnnxDecoder;
import dev.llmplatform.inference.engine.onnx.ServedDecoders;
import dev.llmplatform.inference.metrics.ModelMetrics;
import dev.llmplatform.model.ModelNotReadyException;
import dev.llmplatform.model.ModelPackage;
import dev.llmplatform.model.ModelStore;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One engine per loaded model version, each with its own ONNX session, thread, batch and KV budget:
 * models never wait for each other's steps, and a model's limits are easy to reason about. A model
 * is loaded from the store on first use (or at start-up when preloaded), warmed up with one tiny
 * step, and kept until shutdown.
 */
public final class ModelEngines implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelEngines.class);

    /** A model version ready to serve. */
    public record LoadedModel(ModelPackage modelPackage, OnnxDecoder decoder, InferenceEngine engine) {
        public String key() {
            return modelPackage.name() + ":" + modelPackage.version();
        }
    }

    private final ModelStore store;
    private final DecoderOptions decoderOptions;
    private final EngineSettings engineSettings;
    private final TokenSink sink;
    private final MeterRegistry meters;
    private final Duration drainTimeout;
    private final Map<String, LoadedModel> loaded = new ConcurrentHashMap<>();
    /** By model name: why its most recent load attempt failed; removed when a version of it loads. */
    private final Map<String, String> loadFailures = new ConcurrentHashMap<>();

    public ModelEngines(ModelStore store, DecoderOptions decoderOptions, EngineSettings engineSettings, TokenSink sink,
                        MeterRegistry meters) {
        this(store, decoderOptions, engineSettings, sink, meters, Duration.ZERO);
    }

    /** @param drainTimeout how long {@link #close()} lets open requests finish before ending them with a 503 */
    public ModelEngines(ModelStore store, DecoderOptions decoderOptions, EngineSettings engineSettings, TokenSink sink,
                        MeterRegistry meters, Duration drainTimeout) {
        this.store = store;
        this.decoderOptions = decoderOptions;
        this.engineSettings = engineSettings;
        this.sink = sink;
        this.meters = meters;
        this.drainTimeout = drainTimeout;
    }

    /**
     * The engine for a model version (the latest when {@code version} is null), loading it on first use.
     *
     * @throws ModelUnavailableException with the error to answer the request with
     */
    public LoadedModel get(String model, String version) {
        ModelPackage modelPackage = find(model, version);
        String key = modelPackage.name() + ":" + modelPackage.version();
        LoadedModel ready = loaded.get(key);
        return ready != null ? ready : loaded.computeIfAbsent(key, k -> load(modelPackage));
    }

    private ModelPackage find(String model, String version) {
        Optional<ModelPackage> found;
        try {
            found = version == null || version.isBlank() ? store.openLatest(model) : store.open(model, version);
        } catch (IllegalArgumentException e) {
            throw new ModelUnavailableException(ErrorInfo.notFound(e.getMessage(), "model"), e);
        }
        ModelPackage modelPackage = found.orElseThrow(() -> new ModelUnavailableException(ErrorInfo.notFound(
                "model '" + model + (version == null ? "" : ":" + version) + "' does not exist", "model"), null));
        if (!"decoder".equals(modelPackage.kind())) {
            throw new ModelUnavailableException(ErrorInfo.invalidRequest(
                    "model '" + model + "' is an " + modelPackage.kind() + " and cannot generate text", "model"), null);
        }
        return modelPackage;
    }

    /** Loads the graph the package serves ({@link ServedDecoders}); a checkpoint not converted yet answers 503. */
    private LoadedModel load(ModelPackage modelPackage) {
        String name = modelPackage.name() + ":" + modelPackage.version();
        long start = System.nanoTime();
        OnnxDecoder decoder = null;
        try {
            decoder = ServedDecoders.open(modelPackage, decoderOptions);
            InferenceEngine.warmUp(decoder);
            ModelMetrics metrics = new ModelMetrics(meters, modelPackage.name(), modelPackage.version());
            InferenceEngine engine = new InferenceEngine(name, decoder, engineSettings, sink, metrics).start();
            metrics.watch(engine::stats);
            LOG.info("model {} loaded on {} in {} ms: {} layers, vocab {}, context {}", name, decoder.device(),
                    (System.nanoTime() - start) / 1_000_000, decoder.graph().layers(), decoder.vocabSize(),
                    decoder.contextLength());
            loadFailures.remove(modelPackage.name());
            return new LoadedModel(modelPackage, decoder, engine);
        } catch (ModelNotReadyException e) {
            LOG.info("model {} is not ready to serve: {}", name, e.getMessage());
            throw new ModelUnavailableException(new ErrorInfo(503, "server_error", e.getMessage(), "model",
                    "model_not_ready"), e);
        } catch (RuntimeException e) {
            if (decoder != null) {
                decoder.close();
            }
            LOG.error("cannot load model {}", name, e);
            loadFailures.put(modelPackage.name(), name + ": " + e.getMessage());
            throw new ModelUnavailableException(ErrorInfo.internal("cannot load model " + name + ": " + e.getMessage()), e);
        }
    }

    /** Cancels the request in every engine: a cancel names only the request, and it may not have arrived yet. */
    public void cancel(String requestId) {
        loaded.values().forEach(m -> m.engine().cancel(requestId));
    }

    public void cancel(String requestId, Integer afterTokens) {
        loaded.values().forEach(m -> m.engine().cancel(requestId, afterTokens));
    }

    /** True when some engine has queued half its waiting limit. */
    public boolean anySaturated() {
        return loaded.values().stream().anyMatch(m -> m.engine().isSaturated());
    }

    public Map<String, EngineStats> stats() {
        Map<String, EngineStats> stats = new TreeMap<>();
        loaded.forEach((key, m) -> stats.put(key, m.engine().stats()));
        return stats;
    }

    /** Each loaded engine's health, by model version. */
    public Map<String, EngineHealth> health() {
        Map<String, EngineHealth> health = new TreeMap<>();
        loaded.forEach((key, m) -> health.put(key, m.engine().health()));
        return health;
    }

    /** By model name, why the most recent attempt to load it failed (models whose last load worked are absent). */
    public Map<String, String> loadFailures() {
        return new TreeMap<>(loadFailures);
    }

    /**
     * Lets every engine finish its open requests, all within the drain timeout (the request consumer
     * has already stopped: Spring stops listener containers before it destroys beans), then stops the
     * engines (whatever is left ends with a 503) and closes the sessions.
     */
    @Override
    public void close() {
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        for (LoadedModel m : loaded.values()) {
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            if (!m.engine().drain(left) && !drainTimeout.isZero()) {
                LOG.warn("model {}: requests still open after the {} drain; they end with a 503", m.key(), drainTimeout);
            }
        }
        for (LoadedModel m : loaded.values()) {
            m.engine().close();
            if (m.engine().stopped()) {
                m.decoder().close();
            } else {
                // Closing the session under a step that still runs would crash the JVM in native code.
                LOG.warn("model {}: its engine thread is still in a step; its session is left to the process's end",
                        m.key());
            }
        }
        loaded.clear();
    }
}
