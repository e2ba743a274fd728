package dev.llmplatform.inference.engine.kv;

import java.nio.FloatBuffer;

/**
 * The keys and values of one sequence, per layer: positions {@code [0, length())}, each
 * {@code kvHeads × headDim} floats. Where they live depends on the decoder's graph form: on the heap
 * ({@link HeapKvCache}, the plain form) or in a row of a buffer the runtime writes in place
 * ({@link SharedKvBuffer}, the fused form). The engine, the scheduler and the prefix cache see only this.
 */
public abstract class KvCache {

    /** Number of positions cached. */
    public abstract int length();

    public abstract int maxTokens();

    public abstract int layers();

    public abstract int kvHeads();

    public abstract int headDim();

    /**
     * Appends {@code count} new positions read from row {@code batchIndex} of a tensor
     * {@code [batch, kvHeads, totalLength, headDim]}, starting at position {@code fromPosition}.
     * Call for every layer, then {@link #advance(int)} once.
     */
    public abstract void appendFrom(int layer, FloatBuffer key, FloatBuffer value,
                                    int batchIndex, int totalLength, int fromPosition, int count);

    /** Marks {@code count} appended positions as part of the cache. */
    public abstract void advance(int count);

    /**
     * Copies positions {@code [from, from + count)} of one layer out, laid out {@code [kvHeads][count][headDim]}
     * (the shape {@link #appendFrom} reads with {@code batchIndex 0, totalLength count, fromPosition 0}).
     */
    public abstract void copyOut(int layer, int from, int count, float[] keyDst, float[] valueDst);

    /** One cached key vector, for tests and debugging. */
    public abstract float[] key(int layer, int head, int position);

    /** Gives the cache's storage back; the cache is not used afterwards. Nothing to do for a heap cache. */
    public void release() {
    }
}
