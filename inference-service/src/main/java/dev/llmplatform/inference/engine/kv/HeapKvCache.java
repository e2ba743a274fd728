package dev.llmplatform.inference.engine.kv;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * The plain graph form's cache: the keys and values of one sequence on the Java heap, per layer, laid
 * out {@code [kvHeads][capacity][headDim]} so that one head's past is contiguous: copying it into a
 * batch tensor is one bulk copy per head. Capacity starts small and doubles on demand, up to
 * {@link #maxTokens()}.
 */
public final class HeapKvCache extends KvCache {

    private static final int INITIAL_CAPACITY = 16;

    private final int layers;
    private final int kvHeads;
    private final int headDim;
    private final int maxTokens;
    private final float[][] keys;
    private final float[][] values;
    private int capacity;
    private int length;

    public HeapKvCache(int layers, int kvHeads, int headDim, int maxTokens) {
        if (layers <= 0 || kvHeads <= 0 || headDim <= 0 || maxTokens <= 0) {
            throw new IllegalArgumentException("KV cache dimensions must be > 0");
        }
        this.layers = layers;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.maxTokens = maxTokens;
        this.keys = new float[layers][];
        this.values = new float[layers][];
        this.capacity = Math.min(INITIAL_CAPACITY, maxTokens);
        for (int l = 0; l < layers; l++) {
            keys[l] = new float[kvHeads * capacity * headDim];
            values[l] = new float[kvHeads * capacity * headDim];
        }
    }

    /** Number of positions cached. */
    @Override
    public int length() {
        return length;
    }

    @Override
    public int maxTokens() {
        return maxTokens;
    }

    @Override
    public int layers() {
        return layers;
    }

    @Override
    public int kvHeads() {
        return kvHeads;
    }

    @Override
    public int headDim() {
        return headDim;
    }

    /**
     * Writes this sequence's past into row {@code batchIndex} of a {@code [batch, kvHeads, paddedLength, headDim]}
     * tensor, left-padded with zeros (the attention mask hides the padding).
     */
    public void copyPastInto(int layer, FloatBuffer keyDst, FloatBuffer valueDst, int batchIndex, int paddedLength) {
        copyPast(keys[layer], keyDst, batchIndex, paddedLength);
        copyPast(values[layer], valueDst, batchIndex, paddedLength);
    }

    private void copyPast(float[] src, FloatBuffer dst, int batchIndex, int paddedLength) {
        int pad = paddedLength - length;
        if (pad < 0) {
            throw new IllegalArgumentException("padded length " + paddedLength + " < cached length " + length);
        }
        int rowStart = batchIndex * kvHeads * paddedLength * headDim;
        for (int h = 0; h < kvHeads; h++) {
            int headStart = rowStart + h * paddedLength * headDim;
            for (int i = headStart, end = headStart + pad * headDim; i < end; i++) {
                dst.put(i, 0f);
            }
            dst.put(headStart + pad * headDim, src, h * capacity * headDim, length * headDim);
        }
    }

    /**
     * Appends {@code count} new positions read from row {@code batchIndex} of a present tensor
     * {@code [batch, kvHeads, totalLength, headDim]}, starting at position {@code fromPosition}.
     * Call for every layer, then {@link #advance(int)} once.
     */
    @Override
    public void appendFrom(int layer, FloatBuffer presentKey, FloatBuffer presentValue,
                           int batchIndex, int totalLength, int fromPosition, int count) {
        ensureCapacity(length + count);
        append(keys[layer], presentKey, batchIndex, totalLength, fromPosition, count);
        append(values[layer], presentValue, batchIndex, totalLength, fromPosition, count);
    }

    private void append(float[] dst, FloatBuffer src, int batchIndex, int totalLength, int fromPosition, int count) {
        int rowStart = batchIndex * kvHeads * totalLength * headDim;
        for (int h = 0; h < kvHeads; h++) {
            int srcStart = rowStart + (h * totalLength + fromPosition) * headDim;
            src.get(srcStart, dst, (h * capacity + length) * headDim, count * headDim);
        }
    }

    /** Marks {@code count} appended positions as part of the cache. */
    @Override
    public void advance(int count) {
        if (length + count > maxTokens) {
            throw new IllegalStateException("KV cache full: " + (length + count) + " > " + maxTokens);
        }
        length += count;
    }

    private void ensureCapacity(int needed) {
        if (needed <= capacity) {
            return;
        }
        if (needed > maxTokens) {
            throw new IllegalStateException("KV cache full: " + needed + " > " + maxTokens);
        }
        int newCapacity = Math.min(maxTokens, Math.max(needed, capacity * 2));
        for (int l = 0; l < layers; l++) {
            keys[l] = regrow(keys[l], newCapacity);
            values[l] = regrow(values[l], newCapacity);
        }
        capacity = newCapacity;
    }

    private float[] regrow(float[] old, int newCapacity) {
        float[] grown = new float[kvHeads * newCapacity * headDim];
        for (int h = 0; h < kvHeads; h++) {
            System.arraycopy(old, h * capacity * headDim, grown, h * newCapacity * headDim, length * headDim);
        }
        return grown;
    }

    /**
     * Copies positions {@code [from, from + count)} of one layer out, laid out {@code [kvHeads][count][headDim]}
     * (the shape {@link #appendFrom} reads with {@code batchIndex 0, totalLength count, fromPosition 0}).
     */
    @Override
    public void copyOut(int layer, int from, int count, float[] keyDst, float[] valueDst) {
        if (from < 0 || from + count > length) {
            throw new IllegalArgumentException("positions " + from + ".." + (from + count) + " are not all cached (" + length + ")");
        }
        for (int h = 0; h < kvHeads; h++) {
            System.arraycopy(keys[layer], (h * capacity + from) * headDim, keyDst, h * count * headDim, count * headDim);
            System.arraycopy(values[layer], (h * capacity + from) * headDim, valueDst, h * count * headDim, count * headDim);
        }
    }

    /** One cached key vector, for tests and debugging. */
    @Override
    public float[] key(int layer, int head, int position) {
        int start = (head * capacity + position) * headDim;
        return Arrays.copyOfRange(keys[layer], start, start + headDim);
    }
}
