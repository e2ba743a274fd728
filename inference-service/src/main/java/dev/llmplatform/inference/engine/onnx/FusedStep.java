package dev.llmplatform.inference.engine.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.llmplatform.inference.engine.kv.KvCache;
import dev.llmplatform.inference.engine.kv.SharedKvBuffer;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A step of a fused-form graph: the sequences' rows of the {@link SharedKvBuffer} are bound both as
 * {@code past_key_values.*} and as the {@code present.*} outputs, so GroupQueryAttention appends each
 * row's new positions in place at its own length ({@code seqlens_k}) and nothing is copied back. The
 * batch is arranged into contiguous rows first (copies only when its make-up changed).
 *
 * <p>ONNX Runtime's CPU kernel takes a multi-token chunk after a past only for one sequence, so such a
 * chunk over several sequences runs one sequence at a time (the engine never asks for it: prompts are
 * prefilled one sequence per run).
 */
final class FusedStep {

    private final OrtEnvironment env;
    private final OrtSession session;
    private final DecoderGraph graph;
    private final DirectBuffers buffers = new DirectBuffers();
    private final SharedKvBuffer kv;

    FusedStep(OrtEnvironment env, OrtSession session, DecoderGraph graph) {
        this.env = env;
        this.session = session;
        this.graph = graph;
        this.kv = new SharedKvBuffer(graph.layers(), graph.kvHeads(), graph.headDim(), graph.contextLength(),
                graph.kvElementBytes());
    }

    KvCache newCache(int maxTokens) {
        return kv.newCache(maxTokens);
    }

    SharedKvBuffer buffer() {
        return kv;
    }

    float[][][] step(List<KvCache> caches, List<int[]> chunks, boolean allPositions) throws OrtException {
        int chunk = chunks.getFirst().length;
        boolean anyPast = caches.stream().anyMatch(c -> c.length() > 0);
        if (caches.size() > 1 && chunk > 1 && anyPast) {
            float[][][] out = new float[caches.size()][][];
            for (int b = 0; b < caches.size(); b++) {
                out[b] = run(List.of(caches.get(b)), List.of(chunks.get(b)), allPositions)[0];
            }
            return out;
        }
        return run(caches, chunks, allPositions);
    }

    private float[][][] run(List<KvCache> caches, List<int[]> chunks, boolean allPositions) throws OrtException {
        int batch = caches.size();
        int chunk = chunks.getFirst().length;
        int total = 0;
        for (KvCache c : caches) {
            total = Math.max(total, c.length() + chunk);
        }
        int[] order = new int[batch];
        int first = kv.arrange(caches, total, order);
        Map<String, OnnxTensor> inputs = new HashMap<>();
        Map<String, OnnxTensor> outputs = new HashMap<>();
        try {
            LongBuffer ids = buffers.longs(DecoderGraph.INPUT_IDS, batch * chunk);
            LongBuffer positions = buffers.longs(DecoderGraph.POSITION_IDS, batch * chunk);
            IntBuffer seqlens = buffers.ints(DecoderGraph.SEQLENS_K, batch);
            for (int r = 0; r < batch; r++) {
                KvCache cache = caches.get(order[r]);
                int[] tokens = chunks.get(order[r]);
                for (int j = 0; j < chunk; j++) {
                    ids.put(r * chunk + j, tokens[j]);
                    positions.put(r * chunk + j, cache.length() + j);
                }
                seqlens.put(r, cache.length() + chunk - 1);
            }
            inputs.put(DecoderGraph.INPUT_IDS, OnnxTensor.createTensor(env, ids, new long[]{batch, chunk}));
            if (graph.hasPositionIds()) {
                inputs.put(DecoderGraph.POSITION_IDS, OnnxTensor.createTensor(env, positions, new long[]{batch, chunk}));
            }
            inputs.put(DecoderGraph.SEQLENS_K, OnnxTensor.createTensor(env, seqlens, new long[]{batch}));
            IntBuffer totalLength = buffers.ints(DecoderGraph.TOTAL_SEQUENCE_LENGTH, 1).put(0, total);
            inputs.put(DecoderGraph.TOTAL_SEQUENCE_LENGTH, OnnxTensor.createTensor(env, totalLength, new long[]{}));
            int kept = allPositions || !graph.hasLogitsToKeep() ? chunk : 1;
            if (graph.hasLogitsToKeep()) {
                LongBuffer keep = buffers.longs(DecoderGraph.NUM_LOGITS_TO_KEEP, 1).put(0, kept);
                inputs.put(DecoderGraph.NUM_LOGITS_TO_KEEP, OnnxTensor.createTensor(env, keep, new long[]{}));
            }
            long[] shape = {batch, graph.kvHeads(), kv.rowLength(), graph.headDim()};
            for (int l = 0; l < graph.layers(); l++) {
                // The same memory in and out: the kernel sees past == present and writes in place.
                ByteBuffer keys = kv.keys(l, first, batch);
                ByteBuffer values = kv.values(l, first, batch);
                inputs.put(DecoderGraph.pastKey(l), kvTensor(keys, shape));
                inputs.put(DecoderGraph.pastValue(l), kvTensor(values, shape));
                outputs.put(DecoderGraph.presentKey(l), kvTensor(keys, shape));
                outputs.put(DecoderGraph.presentValue(l), kvTensor(values, shape));
            }
            FloatBuffer logits = buffers.floats(DecoderGraph.LOGITS, batch * kept * graph.vocabSize());
            outputs.put(DecoderGraph.LOGITS, OnnxTensor.createTensor(env, logits, new long[]{batch, kept, graph.vocabSize()}));
            session.run(inputs, outputs).close();
            caches.forEach(c -> c.advance(chunk));
            return readLogits(logits, order, kept, allPositions ? 0 : kept - 1);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
            outputs.values().forEach(OnnxTensor::close);
        }
    }

    /** A row range of the shared buffer as a tensor over its memory (direct, so no copy): float32 or float16. */
    private OnnxTensor kvTensor(ByteBuffer rows, long[] shape) throws OrtException {
        return kv.elementBytes() == Float.BYTES ? OnnxTensor.createTensor(env, rows.asFloatBuffer(), shape)
                : OnnxTensor.createTensor(env, rows.asShortBuffer(), shape, OnnxJavaType.FLOAT16);
    }

    /** Rows {@code [from, kept)} of each sequence's {@code kept} logits rows, in the caller's order. */
    private float[][][] readLogits(FloatBuffer logits, int[] order, int kept, int from) {
        int vocab = graph.vocabSize();
        float[][][] out = new float[order.length][kept - from][vocab];
        for (int r = 0; r < order.length; r++) {
            for (int j = from; j < kept; j++) {
                logits.get((r * kept + j) * vocab, out[order[r]][j - from], 0, vocab);
            }
        }
        return out;
    }
}
