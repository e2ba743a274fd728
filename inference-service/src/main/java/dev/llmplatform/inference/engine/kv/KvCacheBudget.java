package dev.llmplatform.inference.engine.kv;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory the engine may spend on KV caches, in bytes. A sequence reserves its worst case
 * (prompt plus max new tokens, capped at the context length) when it is admitted, so a running
 * sequence can never run out of cache mid-generation; a sequence is preempted only to make room for a
 * more urgent one (the scheduler's choice), never because its own cache grew.
 */
public final class KvCacheBudget {

    private final long totalBytes;
    private final long bytesPerToken;
    private final AtomicLong reservedBytes = new AtomicLong();

    /**
     * @param bytesPerToken cache cost of one token of one sequence, see {@link #bytesPerToken(int, int, int)}
     */
    public KvCacheBudget(long totalBytes, long bytesPerToken) {
        if (totalBytes <= 0 || bytesPerToken <= 0) {
            throw new IllegalArgumentException("KV cache budget and per-token cost must be > 0");
        }
        this.totalBytes = totalBytes;
        this.bytesPerToken = bytesPerToken;
    }

    /** Keys and values (2), for every layer and kv head, float32 (4 bytes). */
    public static long bytesPerToken(int layers, int kvHeads, int headDim) {
        return bytesPerToken(layers, kvHeads, headDim, Float.BYTES);
    }

    /** Keys and values (2), for every layer and kv head, of {@code elementBytes} each (2 for a float16 cache). */
    public static long bytesPerToken(int layers, int kvHeads, int headDim, int elementBytes) {
        return 2L * layers * kvHeads * headDim * elementBytes;
    }

    public long bytesFor(int tokens) {
        return tokens * bytesPerToken;
    }

    /** True when a sequence of this many tokens could ever fit, even in an empty engine. */
    public boolean couldEverFit(int tokens) {
        return bytesFor(tokens) <= totalBytes;
    }

    /** Reserves room for a sequence of {@code tokens} tokens; false (and nothing reserved) when it does not fit now. */
    public boolean tryReserve(int tokens) {
        return tryReserveBytes(bytesFor(tokens));
    }

    /** Reserves raw bytes (the prefix cache's blocks); false (and nothing reserved) when they do not fit now. */
    public boolean tryReserveBytes(long bytes) {
        while (true) {
            long current = reservedBytes.get();
            if (current + bytes > totalBytes) {
                return false;
            }
            if (reservedBytes.compareAndSet(current, current + bytes)) {
                return true;
            }
        }
    }

    public void release(int tokens) {
        releaseBytes(bytesFor(tokens));
    }

    public void releaseBytes(long bytes) {
        long after = reservedBytes.addAndGet(-bytes);
        if (after < 0) {
            throw new IllegalStateException("KV cache budget released more than it reserved");
        }
    }

    public long freeBytes() {
        return totalBytes - reservedBytes.get();
    }

    public long totalBytes() {
        return totalBytes;
    }

    public long reservedBytes() {
        return reservedBytes.get();
    }

    public long bytesPerToken() {
        return bytesPerToken;
    }
}
