package dev.llmplatform.inference.engine;

import dev.llmplatform.inference.engine.kv.KvCache;

import java.util.List;

/**
 * A causal language model run one step at a time over a batch of sequences, each with its own KV
 * cache. The ONNX implementation is {@code OnnxDecoder}; the engine depends only on this.
 */
public interface Decoder {

    int vocabSize();

    /** Most positions one sequence may hold. */
    int contextLength();

    /** Cache bytes one token of one sequence costs. */
    long kvBytesPerToken();

    /**
     * Bytes one token costs in a float32 copy on the heap, as the prefix cache keeps its blocks: more than
     * {@link #kvBytesPerToken()} when the decoder's own cache is float16.
     */
    default long kvHeapBytesPerToken() {
        return kvBytesPerToken();
    }

    /** An empty cache for a sequence of at most {@code maxTokens} positions. */
    KvCache newCache(int maxTokens);

    /**
     * Feeds each sequence its chunk (all chunks the same length), appends the chunk to its cache and
     * returns logits {@code [sequence][position][vocab]}: every chunk position, or only the last.
     */
    float[][][] step(List<KvCache> caches, List<int[]> chunks, boolean allPositions);
}
