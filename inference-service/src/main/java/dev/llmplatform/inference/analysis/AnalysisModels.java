package dev.llmplatform.inference.analysis;

import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.Messages;
import dev.llmplatform.inference.engine.onnx.DecoderOptions;
import dev.llmplatform.model.ModelKind;
import dev.llmplatform.model.ModelPackage;
import dev.llmplatform.model.ModelStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The graphs analysis requests run, one per model version, loaded from the store on first use and
 * kept until shutdown: an {@link EncoderSession} for encoders and cross-encoders, a {@link DecoderAttention} for
 * decoders (apart from the generation engine's session, which does not hand out attention).
 */
public final class AnalysisModels implements AutoCloseable {

    /** Positions an encoder takes when its config.json does not say (BERT's). */
    static final int DEFAULT_ENCODER_POSITIONS = 512;
    private static final Logger LOG = LoggerFactory.getLogger(AnalysisModels.class);

    /** A loaded model version. */
    public sealed interface Loaded extends AutoCloseable {
        ModelPackage modelPackage();

        /** Most tokens one input may have. */
        int maxTokens();

        @Override
        void close();
    }

    public record Encoder(ModelPackage modelPackage, EncoderSession session, int maxTokens) implements Loaded {
        @Override
        public void close() {
            session.close();
        }
    }

    public record Decoder(ModelPackage modelPackage, DecoderAttention attention) implements Loaded {
        @Override
        public int maxTokens() {
            return attention.contextLength();
        }

        @Override
        public void close() {
            attention.close();
        }
    }

    private final ModelStore store;
    private final DecoderOptions options;
    private final Map<String, Loaded> loaded = new ConcurrentHashMap<>();

    public AnalysisModels(ModelStore store, DecoderOptions options) {
        this.store = store;
        this.options = options;
    }

    /**
     * The model version named (the exact one the tokenizer used), loading it on first use.
     *
     * @throws AnalysisException 404 when the store does not have it, 500 when it cannot be loaded
     */
    public Loaded get(String model, String version) {
        Optional<ModelPackage> found;
        try {
            found = version == null || version.isBlank() ? store.openLatest(model) : store.open(model, version);
        } catch (IllegalArgumentException e) {
            throw new AnalysisException(ErrorInfo.notFound(e.getMessage(), "model"), e);
        }
        ModelPackage pkg = found.orElseThrow(() -> new AnalysisException(ErrorInfo.notFound(
                "The model '" + model + "' does not exist", "model"), null));
        String key = pkg.name() + ":" + pkg.version();
        Loaded ready = loaded.get(key);
        return ready != null ? ready : loaded.computeIfAbsent(key, k -> load(pkg));
    }

    private Loaded load(ModelPackage pkg) {
        String name = pkg.name() + ":" + pkg.version();
        long start = System.nanoTime();
        try {
            Loaded model = ModelKind.isEncoder(pkg.kind())
                    ? new Encoder(pkg, EncoderSession.open(pkg.modelFile(), options), encoderPositions(pkg))
                    : new Decoder(pkg, DecoderAttention.open(pkg.modelFile(), pkg.decoderConfig(), options));
            LOG.info("analysis graph of {} ({}) loaded in {} ms", name, pkg.kind(), (System.nanoTime() - start) / 1_000_000);
            return model;
        } catch (RuntimeException e) {
            LOG.error("cannot load analysis graph of {}", name, e);
            throw new AnalysisException(ErrorInfo.internal("cannot load model " + name + ": " + e.getMessage()), e);
        }
    }

    /** {@code max_position_embeddings} of the encoder's config.json (BERT's 512 when it does not say). */
    static int encoderPositions(ModelPackage pkg) {
        try {
            JsonNode positions = Messages.mapper().readTree(Files.readString(pkg.dir().resolve(ModelPackage.CONFIG)))
                    .path("max_position_embeddings");
            return positions.isInt() && positions.asInt() > 0 ? positions.asInt() : DEFAULT_ENCODER_POSITIONS;
        } catch (IOException | RuntimeException e) {
            return DEFAULT_ENCODER_POSITIONS;
        }
    }

    @Override
    public void close() {
        loaded.values().forEach(Loaded::close);
        loaded.clear();
    }
}
