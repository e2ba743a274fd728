package dev.llmplatform.inference.engine.kv;

import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;

import static org.assertj.core.api.Assertions.assertThat;

/** Block-hashed prefix reuse on caches whose "keys" are the token ids themselves. */
class PrefixCacheTest {

    private static final int BLOCK = 4;
    /** One layer, one head, one dimension, float32, keys and values: 8 bytes per token. */
    private final KvCacheBudget budget = new KvCacheBudget(1 << 20, 8);

    /** A cache holding the prompt's own ids as keys and values. */
    private static KvCache cacheOf(int[] prompt) {
        KvCache cache = new HeapKvCache(1, 1, 1, 64);
        FloatBuffer ids = FloatBuffer.allocate(prompt.length);
        for (int t : prompt) {
            ids.put(t);
        }
        cache.appendFrom(0, ids, ids, 0, prompt.length, 0, prompt.length);
        cache.advance(prompt.length);
        return cache;
    }

    private static int[] range(int from, int count) {
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = from + i;
        }
        return out;
    }

    @Test
    void shouldReuseWholeBlocksOfASharedPrefixAndLeaveTheLastTokenToPrefill() {
        PrefixCache cache = new PrefixCache(BLOCK, 1 << 10, budget);
        int[] first = range(1, 10);
        cache.insert(first, cacheOf(first));
        assertThat(cache.bytes()).isEqualTo(2 * BLOCK * 8);
        assertThat(budget.reservedBytes()).isEqualTo(cache.bytes());

        int[] second = range(1, 12);
        second[10] = 90;
        PrefixCache.Match match = cache.lookup(second);
        assertThat(match.tokens()).isEqualTo(8);
        KvCache target = new HeapKvCache(1, 1, 1, 64);
        assertThat(match.copyInto(target)).isEqualTo(8);
        for (int p = 0; p < 8; p++) {
            assertThat(target.key(0, 0, p)[0]).isEqualTo(second[p]);
        }
        // An exact repeat of an 8-token prompt reuses one block, not two: its last token must be fed.
        assertThat(cache.lookup(range(1, 8)).tokens()).isEqualTo(4);
    }

    @Test
    void shouldNotMatchABlockAfterADifferentPrefix() {
        PrefixCache cache = new PrefixCache(BLOCK, 1 << 10, budget);
        int[] stored = range(1, 12);
        cache.insert(stored, cacheOf(stored));
        int[] other = range(1, 12);
        other[0] = 50;
        assertThat(cache.lookup(other).tokens()).as("second block equal, first not").isZero();
    }

    @Test
    void shouldStayWithinItsBytesEvictingLeastRecentlyUsedLeavesFirst() {
        PrefixCache cache = new PrefixCache(BLOCK, 3 * BLOCK * 8, budget);
        int[] a = range(1, 9);
        int[] b = range(40, 9);
        cache.insert(a, cacheOf(a));
        cache.insert(b, cacheOf(b));
        assertThat(cache.bytes()).isEqualTo(3 * BLOCK * 8);
        // a's leaf went first, so a's first block is still there and b is whole.
        assertThat(cache.lookup(a).tokens()).isEqualTo(4);
        assertThat(cache.lookup(b).tokens()).isEqualTo(8);
        assertThat(budget.reservedBytes()).isEqualTo(cache.bytes());
        cache.clear();
        assertThat(budget.reservedBytes()).isZero();
    }

    @Test
    void shouldGiveWayWhenTheBudgetIsHeldBySequences() {
        KvCacheBudget tight = new KvCacheBudget(100, 8);
        assertThat(tight.tryReserve(10)).isTrue();
        PrefixCache cache = new PrefixCache(BLOCK, 1 << 10, tight);
        int[] prompt = range(1, 12);
        cache.insert(prompt, cacheOf(prompt));
        assertThat(cache.bytes()).as("20 bytes free: no room for a 32-byte block").isZero();
        assertThat(tight.reservedBytes()).isEqualTo(80);
    }
}
