package dev.llmplatform.inference.engine.kv;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fused graph form's KV cache: per layer one key and one value buffer
 * {@code [rows, kvHeads, rowLength, headDim]} in direct memory that ONNX Runtime's GroupQueryAttention
 * reads as the past and writes the new positions into in place (the same memory is bound as the
 * {@code present} output). Each sequence owns one row and holds its positions at {@code [0, length)} of it.
 *
 * <p>A step runs over a contiguous range of rows. One sequence (a prompt) runs in its own row wherever it is;
 * a batch runs over rows {@code [0, batch)}, so {@link #arrange} first swaps rows until the batch's sequences
 * hold them: the only copies, one sequence's used positions each, and only when the batch's make-up changed.
 * A finished sequence's row is filled with the last row (one sequence copied), keeping rows dense. Rows and
 * row length grow by doubling when a step needs more (every live row is copied then, amortised) and halve
 * when a quarter is in use. Memory is rows × the longest row, not the sum of the sequences' lengths: one long
 * sequence beside many short ones costs more here than in heap caches (the engine's KV budget counts the sum).
 *
 * <p>Elements are float32 (4 bytes) or float16 (2 bytes), as the graph's past/present are
 * ({@code dev.llmplatform.onnx.KvPrecision}): rows move as bytes; {@link KvCache#appendFrom} and
 * {@link KvCache#copyOut} convert from and to float (a float16 value widened and narrowed again is the same
 * value, so a prefix-cache block copied out and back in is exact).
 *
 * <p>Used by the engine thread only.
 */
public final class SharedKvBuffer {

    private static final int INITIAL_ROWS = 4;
    private static final int INITIAL_ROW_LENGTH = 64;

    private final int layers;
    private final int kvHeads;
    private final int headDim;
    private final int maxRowLength;
    private final int elementBytes;
    private final List<Row> rows = new ArrayList<>();
    private ByteBuffer[] keys;
    private ByteBuffer[] values;
    private int rowCapacity;
    private int rowLength;
    private long rowsMoved;

    /** A float32 buffer. */
    public SharedKvBuffer(int layers, int kvHeads, int headDim, int maxRowLength) {
        this(layers, kvHeads, headDim, maxRowLength, Float.BYTES);
    }

    /**
     * @param maxRowLength most positions one sequence may hold (the graph's context length)
     * @param elementBytes 4 (float32) or 2 (float16)
     */
    public SharedKvBuffer(int layers, int kvHeads, int headDim, int maxRowLength, int elementBytes) {
        if (layers <= 0 || kvHeads <= 0 || headDim <= 0 || maxRowLength <= 0) {
            throw new IllegalArgumentException("KV buffer dimensions must be > 0");
        }
        if (elementBytes != Float.BYTES && elementBytes != Short.BYTES) {
            throw new IllegalArgumentException("KV elements are float32 (4 bytes) or float16 (2), not " + elementBytes);
        }
        this.elementBytes = elementBytes;
        this.layers = layers;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.maxRowLength = maxRowLength;
        reallocate(INITIAL_ROWS, Math.min(INITIAL_ROW_LENGTH, maxRowLength));
    }

    /** A new sequence's cache in the next free row. */
    public KvCache newCache(int maxTokens) {
        if (maxTokens <= 0 || maxTokens > maxRowLength) {
            throw new IllegalArgumentException("a sequence may hold 1.." + maxRowLength + " positions, asked " + maxTokens);
        }
        if (rows.size() == rowCapacity) {
            reallocate(rowCapacity * 2, rowLength);
        }
        Row row = new Row(rows.size(), maxTokens);
        rows.add(row);
        return row;
    }

    /** Positions each row holds now: the length of the past and present tensors. */
    public int rowLength() {
        return rowLength;
    }

    /** Sequences copied from one row to another so far (batch changes and departures), for tests and stats. */
    public long rowsMoved() {
        return rowsMoved;
    }

    /**
     * Makes room for {@code neededLength} positions per row and puts these caches into a contiguous range
     * of rows; returns the first row. Row {@code first + i} then holds {@code caches.get(order[i])}, where
     * {@code order} is filled in.
     */
    public int arrange(List<KvCache> caches, int neededLength, int[] order) {
        if (neededLength > rowLength) {
            if (neededLength > maxRowLength) {
                throw new IllegalStateException("a step needs " + neededLength + " positions, the buffer holds " + maxRowLength);
            }
            reallocate(rowCapacity, Math.min(maxRowLength, Math.max(neededLength, rowLength * 2)));
        }
        int batch = caches.size();
        if (batch == 1) {
            order[0] = 0;
            return own(caches.getFirst()).index;
        }
        Map<Row, Integer> wanted = new IdentityHashMap<>();
        for (int i = 0; i < batch; i++) {
            wanted.put(own(caches.get(i)), i);
        }
        int free = 0;
        for (Row r : wanted.keySet().toArray(Row[]::new)) {
            if (r.index < batch) {
                continue;
            }
            while (wanted.containsKey(rows.get(free))) {
                free++;
            }
            swap(r.index, free);
        }
        for (int i = 0; i < batch; i++) {
            order[own(caches.get(i)).index] = i;
        }
        return 0;
    }

    /** Bytes of one element: 4 (float32) or 2 (float16). */
    public int elementBytes() {
        return elementBytes;
    }

    /**
     * Layer {@code l}'s keys for rows {@code [first, first + count)}, as a tensor's data (no copy): native-order
     * bytes of {@link #elementBytes()} per element.
     */
    public ByteBuffer keys(int layer, int first, int count) {
        return view(keys[layer], first, count);
    }

    public ByteBuffer values(int layer, int first, int count) {
        return view(values[layer], first, count);
    }

    private ByteBuffer view(ByteBuffer buffer, int first, int count) {
        int rowBytes = kvHeads * rowLength * headDim * elementBytes;
        return buffer.duplicate().clear().position(first * rowBytes).limit((first + count) * rowBytes)
                .slice().order(ByteOrder.nativeOrder());
    }

    /** Byte offset of (row, head, position) in a layer's buffer of rows of {@code length} positions. */
    private int offset(int row, int head, int position, int length) {
        return ((row * kvHeads + head) * length + position) * headDim * elementBytes;
    }

    private Row own(KvCache cache) {
        if (!(cache instanceof Row row) || row.buffer() != this || row.released) {
            throw new IllegalArgumentException("the cache does not belong to this decoder's KV buffer");
        }
        return row;
    }

    /** Exchanges the contents (used positions) and owners of two rows. */
    private void swap(int a, int b) {
        Row ra = rows.get(a);
        Row rb = rows.get(b);
        ByteBuffer saved = ByteBuffer.allocate(kvHeads * ra.length * headDim * elementBytes);
        for (int l = 0; l < layers; l++) {
            for (ByteBuffer[] set : new ByteBuffer[][]{keys, values}) {
                ByteBuffer all = set[l];
                for (int h = 0; h < kvHeads; h++) {
                    saved.put(h * ra.length * headDim * elementBytes, all, offset(a, h, 0, rowLength),
                            ra.length * headDim * elementBytes);
                }
                copyRow(all, b, rb.length, all, a, rowLength);
                for (int h = 0; h < kvHeads; h++) {
                    all.put(offset(b, h, 0, rowLength), saved, h * ra.length * headDim * elementBytes,
                            ra.length * headDim * elementBytes);
                }
            }
        }
        rows.set(a, rb);
        rows.set(b, ra);
        rb.index = a;
        ra.index = b;
        rowsMoved += 2;
    }

    /** Moves the last row into a released row's place, so the live rows stay {@code [0, rows)}. */
    private void release(Row row) {
        int hole = row.index;
        int last = rows.size() - 1;
        if (hole != last) {
            Row moved = rows.get(last);
            for (int l = 0; l < layers; l++) {
                copyRow(keys[l], last, moved.length, keys[l], hole, rowLength);
                copyRow(values[l], last, moved.length, values[l], hole, rowLength);
            }
            rows.set(hole, moved);
            moved.index = hole;
            rowsMoved++;
        }
        rows.remove(last);
        row.released = true;
        shrinkIfIdle();
    }

    /**
     * Halves the rows or the row length once a quarter of them is used, so that a burst of streams or one
     * long sequence does not keep its memory after it ended (growing back costs one copy of the live rows).
     */
    private void shrinkIfIdle() {
        int longest = 0;
        for (Row r : rows) {
            longest = Math.max(longest, r.length);
        }
        int capacity = rowCapacity > INITIAL_ROWS && rows.size() * 4 <= rowCapacity ? rowCapacity / 2 : rowCapacity;
        int length = rowLength > INITIAL_ROW_LENGTH && longest * 4 <= rowLength ? rowLength / 2 : rowLength;
        if (capacity != rowCapacity || length != rowLength) {
            reallocate(capacity, length);
        }
    }

    /**
     * The first {@code length} positions of row {@code from} of {@code src} (rows of {@link #rowLength})
     * into row {@code to} of {@code dst} (rows of {@code dstRowLength}), as bytes.
     */
    private void copyRow(ByteBuffer src, int from, int length, ByteBuffer dst, int to, int dstRowLength) {
        for (int h = 0; h < kvHeads; h++) {
            dst.put(offset(to, h, 0, dstRowLength), src, offset(from, h, 0, rowLength), length * headDim * elementBytes);
        }
    }

    /** New buffers of {@code capacity} rows of {@code length} positions, each live row's positions copied over. */
    private void reallocate(int capacity, int length) {
        ByteBuffer[] newKeys = new ByteBuffer[layers];
        ByteBuffer[] newValues = new ByteBuffer[layers];
        long bytes = (long) capacity * kvHeads * length * headDim * elementBytes;
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalStateException("KV buffer of " + bytes + " bytes per layer is over the 2 GiB a buffer holds");
        }
        for (int l = 0; l < layers; l++) {
            newKeys[l] = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
            newValues[l] = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
            for (Row r : rows) {
                copyRow(keys[l], r.index, r.length, newKeys[l], r.index, length);
                copyRow(values[l], r.index, r.length, newValues[l], r.index, length);
            }
        }
        keys = newKeys;
        values = newValues;
        rowCapacity = capacity;
        rowLength = length;
    }

    /** Element {@code i} (an element index, not bytes) of a layer's buffer, widened to float. */
    private float get(ByteBuffer buffer, int i) {
        return elementBytes == Float.BYTES ? buffer.getFloat(i * Float.BYTES) : Float.float16ToFloat(buffer.getShort(i * Short.BYTES));
    }

    /** Stores {@code v} as element {@code i}, narrowed to float16 (round to nearest even) for a half buffer. */
    private void set(ByteBuffer buffer, int i, float v) {
        if (elementBytes == Float.BYTES) {
            buffer.putFloat(i * Float.BYTES, v);
        } else {
            buffer.putShort(i * Short.BYTES, Float.floatToFloat16(v));
        }
    }

    /** One sequence's cache: a row of the shared buffer, which may move to another row between steps. */
    private final class Row extends KvCache {
        private final int maxTokens;
        private int index;
        private int length;
        private boolean released;

        Row(int index, int maxTokens) {
            this.index = index;
            this.maxTokens = maxTokens;
        }

        SharedKvBuffer buffer() {
            return SharedKvBuffer.this;
        }

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

        @Override
        public void appendFrom(int layer, FloatBuffer key, FloatBuffer value, int batchIndex, int totalLength,
                               int fromPosition, int count) {
            if (length + count > maxTokens) {
                throw new IllegalStateException("KV cache full: " + (length + count) + " > " + maxTokens);
            }
            if (length + count > rowLength) {
                reallocate(rowCapacity, Math.min(maxRowLength, Math.max(length + count, rowLength * 2)));
            }
            append(keys[layer], key, batchIndex, totalLength, fromPosition, count);
            append(values[layer], value, batchIndex, totalLength, fromPosition, count);
        }

        private void append(ByteBuffer buffer, FloatBuffer src, int batchIndex, int totalLength, int fromPosition, int count) {
            for (int h = 0; h < kvHeads; h++) {
                int srcStart = ((batchIndex * kvHeads + h) * totalLength + fromPosition) * headDim;
                int dstStart = ((index * kvHeads + h) * rowLength + length) * headDim;
                if (elementBytes == Float.BYTES) {
                    buffer.asFloatBuffer().put(dstStart, src, srcStart, count * headDim);
                } else {
                    for (int i = 0; i < count * headDim; i++) {
                        set(buffer, dstStart + i, src.get(srcStart + i));
                    }
                }
            }
        }

        @Override
        public void advance(int count) {
            if (length + count > maxTokens) {
                throw new IllegalStateException("KV cache full: " + (length + count) + " > " + maxTokens);
            }
            length += count;
        }

        @Override
        public void copyOut(int layer, int from, int count, float[] keyDst, float[] valueDst) {
            if (from < 0 || from + count > length) {
                throw new IllegalArgumentException("positions " + from + ".." + (from + count) + " are not all cached (" + length + ")");
            }
            for (int h = 0; h < kvHeads; h++) {
                int start = ((index * kvHeads + h) * rowLength + from) * headDim;
                if (elementBytes == Float.BYTES) {
                    keys[layer].asFloatBuffer().get(start, keyDst, h * count * headDim, count * headDim);
                    values[layer].asFloatBuffer().get(start, valueDst, h * count * headDim, count * headDim);
                } else {
                    for (int i = 0; i < count * headDim; i++) {
                        keyDst[h * count * headDim + i] = get(keys[layer], start + i);
                        valueDst[h * count * headDim + i] = get(values[layer], start + i);
                    }
                }
            }
        }

        @Override
        public float[] key(int layer, int head, int position) {
            float[] out = new float[headDim];
            int start = ((index * kvHeads + head) * rowLength + position) * headDim;
            for (int i = 0; i < headDim; i++) {
                out[i] = get(keys[layer], start + i);
            }
            return out;
        }

        @Override
        public void release() {
            if (!released) {
                SharedKvBuffer.this.release(this);
            }
        }
    }
}
