package dev.llmplatform.inference.engine.kv;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Keys and values of prompt prefixes already computed, so that a shared system prompt or a repeated
 * few-shot block is prefilled once. Prompts are cut into blocks of {@code blockTokens}; a block is
 * keyed by the hash chain of every token up to its end, so a block matches only after the same whole
 * prefix. Blocks are copied into a new sequence's own cache at admission (copy-on-admit: a sequence
 * never shares memory it could write), and the rest of its prompt is prefilled as usual.
 *
 * <p>Blocks take their bytes from the engine's {@link KvCacheBudget}, up to {@code maxBytes}, and are
 * evicted least recently used first: when the cap is reached, and when admission needs the room for
 * a sequence (sequences come first). A chain is touched deepest block first, so a parent is always
 * more recent than its children and leaves go before the blocks they hang from.
 *
 * <p>Used by the engine thread only; {@link #bytes()} may be read from any thread.
 */
public final class PrefixCache {

    private static final long ROOT = 0x5DEECE66DL;

    /** Positions {@code [index·blockTokens, (index+1)·blockTokens)} of every prompt with this prefix. */
    private record Block(long parent, int[] tokens, float[][] keys, float[][] values) {
    }

    /** The cached blocks that begin a prompt, held even if they are evicted before they are copied. */
    public static final class Match {
        private final List<Block> blocks;
        private final int blockTokens;

        private Match(List<Block> blocks, int blockTokens) {
            this.blocks = blocks;
            this.blockTokens = blockTokens;
        }

        /** Prompt tokens whose keys and values this match holds. */
        public int tokens() {
            return blocks.size() * blockTokens;
        }

        /** Appends the matched positions to an empty cache; returns how many. */
        public int copyInto(KvCache cache) {
            if (cache.length() != 0) {
                throw new IllegalStateException("a prefix goes into an empty cache");
            }
            for (Block block : blocks) {
                for (int l = 0; l < cache.layers(); l++) {
                    cache.appendFrom(l, FloatBuffer.wrap(block.keys()[l]), FloatBuffer.wrap(block.values()[l]),
                            0, blockTokens, 0, blockTokens);
                }
                cache.advance(blockTokens);
            }
            return tokens();
        }
    }

    private final int blockTokens;
    private final long maxBytes;
    private final long blockBytes;
    private final KvCacheBudget budget;
    /** Access order: the first entry is the least recently used. */
    private final LinkedHashMap<Long, Block> blocks = new LinkedHashMap<>(64, 0.75f, true);
    private volatile long bytes;

    /** @param maxBytes most bytes the blocks may hold; 0 disables the cache */
    public PrefixCache(int blockTokens, long maxBytes, KvCacheBudget budget) {
        this(blockTokens, maxBytes, budget, budget.bytesPerToken());
    }

    /**
     * @param bytesPerToken what one token of a block costs: blocks are float32 arrays, so twice the budget's
     *                      per-token cost when the sequences' own cache is float16
     */
    public PrefixCache(int blockTokens, long maxBytes, KvCacheBudget budget, long bytesPerToken) {
        if (blockTokens <= 0 || maxBytes < 0) {
            throw new IllegalArgumentException("prefix cache block tokens must be > 0 and max bytes >= 0");
        }
        this.blockTokens = blockTokens;
        this.maxBytes = maxBytes;
        this.budget = budget;
        this.blockBytes = blockTokens * bytesPerToken;
    }

    public boolean enabled() {
        return maxBytes >= blockBytes;
    }

    public long bytes() {
        return bytes;
    }

    /**
     * The longest run of cached blocks that begins this prompt, leaving at least its last token to
     * prefill (its logits choose the first generated token).
     */
    public Match lookup(int[] prompt) {
        List<Block> found = new ArrayList<>();
        if (enabled()) {
            long hash = ROOT;
            for (int i = 0; (i + 1) * blockTokens < prompt.length; i++) {
                long next = chain(hash, prompt, i * blockTokens, blockTokens);
                Block block = blocks.get(next);
                if (block == null || block.parent() != hash || !sameTokens(block, prompt, i * blockTokens)) {
                    break;
                }
                found.add(block);
                hash = next;
            }
            touchDeepestFirst(prompt, found.size());
        }
        return new Match(found, blockTokens);
    }

    /**
     * Remembers the full blocks of a prompt whose first {@code prompt.length} positions are in
     * {@code cache}. Stops quietly when the budget has no room: running sequences come first.
     */
    public void insert(int[] prompt, KvCache cache) {
        if (!enabled()) {
            return;
        }
        // No more blocks than the cap holds, so making room never evicts this chain's own root.
        int full = (int) Math.min(Math.min(prompt.length, cache.length()) / blockTokens, maxBytes / blockBytes);
        long hash = ROOT;
        int stored = 0;
        for (int i = 0; i < full; i++, stored++) {
            long next = chain(hash, prompt, i * blockTokens, blockTokens);
            Block present = blocks.get(next);
            if (present == null) {
                if (!makeRoom()) {
                    break;
                }
                blocks.put(next, copyBlock(hash, prompt, cache, i));
                bytes += blockBytes;
            } else if (present.parent() != hash || !sameTokens(present, prompt, i * blockTokens)) {
                break;
            }
            hash = next;
        }
        touchDeepestFirst(prompt, stored);
    }

    /** Frees the least recently used block's bytes; false when there is none. */
    public boolean evictOne() {
        Iterator<Block> eldest = blocks.values().iterator();
        if (!eldest.hasNext()) {
            return false;
        }
        eldest.next();
        eldest.remove();
        bytes -= blockBytes;
        budget.releaseBytes(blockBytes);
        return true;
    }

    /** Drops every block and gives its bytes back. */
    public void clear() {
        while (evictOne()) {
            // each call frees one block
        }
    }

    /** Reserves one block's bytes, evicting within the cap first; false when the budget is full of sequences. */
    private boolean makeRoom() {
        while (bytes + blockBytes > maxBytes) {
            if (!evictOne()) {
                return false;
            }
        }
        return budget.tryReserveBytes(blockBytes);
    }

    private Block copyBlock(long parent, int[] prompt, KvCache cache, int index) {
        int size = cache.kvHeads() * blockTokens * cache.headDim();
        float[][] keys = new float[cache.layers()][size];
        float[][] values = new float[cache.layers()][size];
        for (int l = 0; l < cache.layers(); l++) {
            cache.copyOut(l, index * blockTokens, blockTokens, keys[l], values[l]);
        }
        int[] tokens = Arrays.copyOfRange(prompt, index * blockTokens, (index + 1) * blockTokens);
        return new Block(parent, tokens, keys, values);
    }

    private void touchDeepestFirst(int[] prompt, int count) {
        long[] hashes = new long[count];
        long hash = ROOT;
        for (int i = 0; i < count; i++) {
            hash = chain(hash, prompt, i * blockTokens, blockTokens);
            hashes[i] = hash;
        }
        for (int i = count - 1; i >= 0; i--) {
            blocks.get(hashes[i]);
        }
    }

    private boolean sameTokens(Block block, int[] prompt, int from) {
        return Arrays.equals(block.tokens(), 0, blockTokens, prompt, from, from + blockTokens);
    }

    /** The hash of a prefix: the parent prefix's hash mixed with this block's tokens. */
    static long chain(long parent, int[] tokens, int from, int count) {
        long h = parent;
        for (int i = from; i < from + count; i++) {
            h = mix(h ^ (tokens[i] & 0xFFFFFFFFL));
        }
        return h;
    }

    /** SplitMix64's finaliser: every input bit reaches every output bit. */
    private static long mix(long z) {
        z = (z + 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
