package dev.llmplatform.inference.engine.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.llmplatform.inference.engine.Decoder;
import dev.llmplatform.inference.engine.kv.HeapKvCache;
import dev.llmplatform.inference.engine.kv.KvCache;
import dev.llmplatform.inference.engine.kv.KvCacheBudget;
import dev.llmplatform.model.ModelConfig;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One decoder graph in an ONNX Runtime session, run a batch at a time. Each sequence brings its
 * KV cache and a chunk of new tokens; pasts of different lengths are left-padded to the longest
 * with attention mask 0, and each sequence gets explicit position ids, so the padding changes
 * nothing. The new key/value columns are copied back into each sequence's own cache. A step over the
 * same batch as the step before takes that step's presents as its past without copying anything
 * ({@link ResidentPast}); the whole past is copied from the caches only when the batch changes.
 * A fused-form graph runs through {@link FusedStep} instead: its caches are rows of one buffer that the
 * runtime appends to in place.
 *
 * <p>{@link #step} is meant for one thread (the engine loop): it reuses its input buffers.
 */
public final class OnnxDecoder implements Decoder, AutoCloseable {

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final DecoderGraph graph;
    private final ExecutionDevice device;
    private final DirectBuffers buffers = new DirectBuffers();
    private final ResidentPast resident;
    /** Null for the plain form. */
    private final FusedStep fused;

    private OnnxDecoder(OrtSessions.ModelSource source, ModelConfig config, DecoderOptions options) {
        try {
            OrtSessions.Opened opened = OrtSessions.open(env, source, options);
            this.session = opened.session();
            this.device = opened.device();
            try {
                this.graph = DecoderGraph.read(session, config);
                this.resident = new ResidentPast(graph.layers());
                this.fused = graph.fused() ? new FusedStep(env, session, graph) : null;
            } catch (RuntimeException e) {
                session.close();
                throw e;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("cannot load decoder " + source.describe() + ": " + e.getMessage(), e);
        }
    }

    public static OnnxDecoder open(Path modelFile, ModelConfig config, DecoderOptions options) {
        return new OnnxDecoder(new OrtSessions.ModelSource() {
            public OrtSession open(OrtEnvironment env, OrtSession.SessionOptions so) throws OrtException {
                return env.createSession(modelFile.toString(), so);
            }

            public String describe() {
                return modelFile.toString();
            }
        }, config, options);
    }

    public static OnnxDecoder fromBytes(byte[] model, ModelConfig config, DecoderOptions options) {
        return new OnnxDecoder(new OrtSessions.ModelSource() {
            public OrtSession open(OrtEnvironment env, OrtSession.SessionOptions so) throws OrtException {
                return env.createSession(model, so);
            }

            public String describe() {
                return "in-memory graph (" + model.length + " bytes)";
            }
        }, config, options);
    }

    public DecoderGraph graph() {
        return graph;
    }

    /** The provider actually running the graph (never {@code AUTO}). */
    public ExecutionDevice device() {
        return device;
    }

    /** Sequences the fused form's shared KV buffer has copied between rows (batch changes, departures); 0 for plain. */
    long kvRowsMoved() {
        return fused == null ? 0 : fused.buffer().rowsMoved();
    }

    /** Steps that took the previous step's presents as their past, and steps that copied it from the caches. */
    long[] pastReuse() {
        return new long[]{resident.reusedSteps(), resident.rebuiltSteps()};
    }

    @Override
    public int vocabSize() {
        return graph.vocabSize();
    }

    @Override
    public int contextLength() {
        return graph.contextLength();
    }

    @Override
    public long kvBytesPerToken() {
        return KvCacheBudget.bytesPerToken(graph.layers(), graph.kvHeads(), graph.headDim(), graph.kvElementBytes());
    }

    @Override
    public long kvHeapBytesPerToken() {
        return KvCacheBudget.bytesPerToken(graph.layers(), graph.kvHeads(), graph.headDim());
    }

    /** An empty cache shaped for this graph, holding at most {@code maxTokens} positions. */
    @Override
    public KvCache newCache(int maxTokens) {
        if (fused != null) {
            return fused.newCache(maxTokens);
        }
        return new HeapKvCache(graph.layers(), graph.kvHeads(), graph.headDim(), maxTokens);
    }

    /**
     * Feeds each sequence its chunk of tokens (all chunks the same length), appends the chunk's keys
     * and values to that sequence's cache, and returns logits {@code [sequence][position][vocab]}:
     * every chunk position when {@code allPositions}, else only the last.
     */
    @Override
    public float[][][] step(List<KvCache> caches, List<int[]> chunks, boolean allPositions) {
        int batch = caches.size();
        if (batch == 0 || chunks.size() != batch) {
            throw new IllegalArgumentException("need one chunk per cache and at least one sequence");
        }
        int chunk = chunks.getFirst().length;
        int maxPast = 0;
        for (int b = 0; b < batch; b++) {
            KvCache cache = caches.get(b);
            if (chunks.get(b).length != chunk || chunk == 0) {
                throw new IllegalArgumentException("chunks of one step must be non-empty and of equal length");
            }
            if (cache.length() + chunk > cache.maxTokens()) {
                throw new IllegalStateException("sequence " + b + " would exceed its KV cache of " + cache.maxTokens());
            }
            maxPast = Math.max(maxPast, cache.length());
        }
        if (fused != null) {
            try {
                return fused.step(caches, chunks, allPositions);
            } catch (OrtException e) {
                throw new IllegalStateException("decoder step failed: " + e.getMessage(), e);
            }
        }
        Map<String, OnnxTensor> inputs = new HashMap<>();
        Map<String, OnnxTensor> outputs = new HashMap<>();
        try {
            ResidentPast.Step kv = resident.begin(caches, maxPast);
            putTokenInputs(inputs, caches, chunks, maxPast);
            putPastInputs(inputs, kv, caches, maxPast);
            if (graph.hasUseCacheBranch()) {
                inputs.put(DecoderGraph.USE_CACHE_BRANCH, OnnxTensor.createTensor(env, new boolean[]{maxPast > 0}));
            }
            Outputs out = pinOutputs(outputs, kv, batch, chunk, maxPast + chunk);
            session.run(inputs, outputs).close();
            appendPresents(out, caches, maxPast, chunk);
            resident.finish(kv, caches);
            return readLogits(out.logits(), batch, chunk, allPositions);
        } catch (OrtException e) {
            throw new IllegalStateException("decoder step failed: " + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
            outputs.values().forEach(OnnxTensor::close);
        }
    }

    /** The buffers ONNX Runtime writes this step's outputs into. */
    private record Outputs(FloatBuffer logits, FloatBuffer[] presentKeys, FloatBuffer[] presentValues) {
    }

    /**
     * Output tensors over our own direct buffers ("pinned outputs"): the runtime writes logits and
     * presents straight into them, and we read only the columns we need, without copying whole tensors.
     */
    private Outputs pinOutputs(Map<String, OnnxTensor> outputs, ResidentPast.Step kv, int batch, int chunk, int total)
            throws OrtException {
        FloatBuffer logits = buffers.floats(DecoderGraph.LOGITS, batch * chunk * graph.vocabSize());
        outputs.put(DecoderGraph.LOGITS, OnnxTensor.createTensor(env, logits, new long[]{batch, chunk, graph.vocabSize()}));
        long[] presentShape = {batch, graph.kvHeads(), total, graph.headDim()};
        int presentSize = batch * graph.kvHeads() * total * graph.headDim();
        FloatBuffer[] keys = new FloatBuffer[graph.layers()];
        FloatBuffer[] values = new FloatBuffer[graph.layers()];
        for (int l = 0; l < graph.layers(); l++) {
            keys[l] = kv.presentKey(l, presentSize);
            values[l] = kv.presentValue(l, presentSize);
            outputs.put(DecoderGraph.presentKey(l), OnnxTensor.createTensor(env, keys[l], presentShape));
            outputs.put(DecoderGraph.presentValue(l), OnnxTensor.createTensor(env, values[l], presentShape));
        }
        return new Outputs(logits, keys, values);
    }

    private void putTokenInputs(Map<String, OnnxTensor> inputs, List<KvCache> caches, List<int[]> chunks, int maxPast)
            throws OrtException {
        int batch = caches.size();
        int chunk = chunks.getFirst().length;
        int total = maxPast + chunk;
        LongBuffer ids = buffers.longs(DecoderGraph.INPUT_IDS, batch * chunk);
        LongBuffer positions = buffers.longs(DecoderGraph.POSITION_IDS, batch * chunk);
        LongBuffer mask = buffers.longs(DecoderGraph.ATTENTION_MASK, batch * total);
        for (int b = 0; b < batch; b++) {
            int past = caches.get(b).length();
            int[] tokens = chunks.get(b);
            for (int j = 0; j < chunk; j++) {
                ids.put(b * chunk + j, tokens[j]);
                positions.put(b * chunk + j, past + j);
            }
            int padding = maxPast - past;
            for (int j = 0; j < total; j++) {
                mask.put(b * total + j, j < padding ? 0 : 1);
            }
        }
        inputs.put(DecoderGraph.INPUT_IDS, OnnxTensor.createTensor(env, ids, new long[]{batch, chunk}));
        inputs.put(DecoderGraph.POSITION_IDS, OnnxTensor.createTensor(env, positions, new long[]{batch, chunk}));
        inputs.put(DecoderGraph.ATTENTION_MASK, OnnxTensor.createTensor(env, mask, new long[]{batch, total}));
    }

    /** The past: the previous step's presents as they are, or copied from each cache when the batch changed. */
    private void putPastInputs(Map<String, OnnxTensor> inputs, ResidentPast.Step kv, List<KvCache> caches, int maxPast)
            throws OrtException {
        int batch = caches.size();
        long[] shape = {batch, graph.kvHeads(), maxPast, graph.headDim()};
        int size = batch * graph.kvHeads() * maxPast * graph.headDim();
        for (int l = 0; l < graph.layers(); l++) {
            FloatBuffer keys = kv.pastKey(l, size);
            FloatBuffer values = kv.pastValue(l, size);
            if (!kv.reused()) {
                for (int b = 0; b < batch; b++) {
                    ((HeapKvCache) caches.get(b)).copyPastInto(l, keys, values, b, maxPast);
                }
            }
            inputs.put(DecoderGraph.pastKey(l), OnnxTensor.createTensor(env, keys, shape));
            inputs.put(DecoderGraph.pastValue(l), OnnxTensor.createTensor(env, values, shape));
        }
    }

    private void appendPresents(Outputs out, List<KvCache> caches, int maxPast, int chunk) {
        int total = maxPast + chunk;
        for (int l = 0; l < graph.layers(); l++) {
            for (int b = 0; b < caches.size(); b++) {
                caches.get(b).appendFrom(l, out.presentKeys()[l], out.presentValues()[l], b, total, maxPast, chunk);
            }
        }
        caches.forEach(cache -> cache.advance(chunk));
    }

    private float[][][] readLogits(FloatBuffer logits, int batch, int chunk, boolean allPositions) {
        int vocab = graph.vocabSize();
        int first = allPositions ? 0 : chunk - 1;
        float[][][] out = new float[batch][chunk - first][vocab];
        for (int b = 0; b < batch; b++) {
            for (int j = first; j < chunk; j++) {
                logits.get((b * chunk + j) * vocab, out[b][j - first], 0, vocab);
            }
        }
        return out;
    }

    /** Ends ONNX Runtime's profiling (when its options turned it on) and returns the trace file it wrote. */
    public String endProfiling() {
        try {
            return session.endProfiling();
        } catch (OrtException e) {
            throw new IllegalStateException("cannot end profiling", e);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("cannot close decoder session", e);
        }
    }
}
