package dev.llmplatform.inference.engine.kv;

import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KvCacheTest {

    /** A present tensor [batch=1, heads, total, dim] where each element encodes (head, position, dim). */
    private static FloatBuffer present(int heads, int total, int dim) {
        FloatBuffer buffer = FloatBuffer.allocate(heads * total * dim);
        for (int h = 0; h < heads; h++) {
            for (int p = 0; p < total; p++) {
                for (int d = 0; d < dim; d++) {
                    buffer.put((h * total + p) * dim + d, h * 1000 + p * 10 + d);
                }
            }
        }
        return buffer;
    }

    @Test
    void shouldKeepAppendedColumnsAcrossGrowthAndCopyThemLeftPadded() {
        HeapKvCache cache = new HeapKvCache(1, 2, 3, 40);
        for (int p = 0; p < 20; p++) {
            FloatBuffer present = present(2, p + 1, 3);
            cache.appendFrom(0, present, present, 0, p + 1, p, 1);
            cache.advance(1);
        }
        assertThat(cache.length()).isEqualTo(20);
        assertThat(cache.key(0, 1, 19)).containsExactly(1190f, 1191f, 1192f);

        FloatBuffer keys = FloatBuffer.allocate(2 * 2 * 22 * 3);
        FloatBuffer values = FloatBuffer.allocate(2 * 2 * 22 * 3);
        keys.put(1, 42f);
        cache.copyPastInto(0, keys, values, 1, 22);
        int row = 2 * 22 * 3;
        assertThat(keys.get(row)).isZero();
        assertThat(keys.get(row + 2 * 3)).isEqualTo(0f);
        assertThat(keys.get(row + 2 * 3 + 1)).isEqualTo(1f);
        assertThat(keys.get(row + 22 * 3 + 2 * 3 + 5 * 3)).isEqualTo(1050f);
        assertThat(keys.get(1)).isEqualTo(42f);
    }

    @Test
    void shouldRefuseToGrowPastItsMaximum() {
        HeapKvCache cache = new HeapKvCache(1, 1, 1, 2);
        FloatBuffer present = present(1, 3, 1);
        assertThatThrownBy(() -> cache.appendFrom(0, present, present, 0, 3, 0, 3)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldReserveWithinTheBudgetOnly() {
        KvCacheBudget budget = new KvCacheBudget(1000, KvCacheBudget.bytesPerToken(2, 1, 5));
        assertThat(budget.bytesPerToken()).isEqualTo(80);
        assertThat(budget.tryReserve(10)).isTrue();
        assertThat(budget.tryReserve(3)).isFalse();
        assertThat(budget.tryReserve(2)).isTrue();
        budget.release(10);
        assertThat(budget.tryReserve(10)).isTrue();
        assertThat(budget.couldEverFit(13)).isFalse();
    }
}
