package dev.llmplatform.inference.engine.kv;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Rows of the shared buffer keep each sequence's positions through everything that moves them: growth of the
 * rows and the row length, batches arranged into the front rows, departures refilled from the last row, and
 * shrinking once most of it is idle. Checked against a plain copy of what each sequence was given, in float32
 * and in float16 elements (values float16 can hold, so the copies are exact in both).
 */
class SharedKvBufferTest {

    private static final int LAYERS = 2;
    private static final int KV_HEADS = 2;
    private static final int HEAD_DIM = 3;

    @ParameterizedTest
    @ValueSource(ints = {4, 2})
    void shouldKeepEverySequencesPositionsWhateverMovesItsRow(int elementBytes) {
        SplittableRandom random = new SplittableRandom(20261206L);
        SharedKvBuffer buffer = new SharedKvBuffer(LAYERS, KV_HEADS, HEAD_DIM, 300, elementBytes);
        assertThat(buffer.elementBytes()).isEqualTo(elementBytes);
        Map<KvCache, List<float[]>> expected = new HashMap<>();   // per cache: [layer·2 + k/v] flat [kvHeads][len][headDim]
        List<KvCache> live = new ArrayList<>();
        for (int round = 0; round < 40; round++) {
            int action = random.nextInt(4);
            if (action == 0 || live.size() < 2) {
                KvCache c = buffer.newCache(300);
                live.add(c);
                expected.put(c, new ArrayList<>(List.of(new float[0], new float[0], new float[0], new float[0])));
            } else if (action == 1) {
                KvCache gone = live.remove(random.nextInt(live.size()));
                gone.release();
                expected.remove(gone);
            } else if (action == 2) {
                List<KvCache> batch = new ArrayList<>(live.subList(0, 1 + random.nextInt(live.size())));
                java.util.Collections.shuffle(batch, new java.util.Random(round));
                int[] order = new int[batch.size()];
                int first = buffer.arrange(batch, 1, order);
                for (int r = 0; r < batch.size(); r++) {
                    // row first + r holds batch[order[r]]: its first key is where the tensor view says
                    KvCache c = batch.get(order[r]);
                    if (c.length() > 0) {
                        ByteBuffer keys = buffer.keys(0, first, batch.size());
                        float[] k = new float[HEAD_DIM];
                        int at = r * KV_HEADS * buffer.rowLength() * HEAD_DIM;
                        for (int i = 0; i < HEAD_DIM; i++) {
                            k[i] = elementBytes == 4 ? keys.getFloat((at + i) * 4) : Float.float16ToFloat(keys.getShort((at + i) * 2));
                        }
                        assertThat(k).containsExactly(c.key(0, 0, 0));
                    }
                }
            } else {
                KvCache c = live.get(random.nextInt(live.size()));
                int count = 1 + random.nextInt(c.length() > 200 ? 5 : 90);
                append(c, count, random, expected.get(c));
            }
            for (KvCache c : live) {
                check(c, expected.get(c));
            }
        }
        // A short sequence outlives the long ones: the buffer shrinks around it and keeps it.
        KvCache survivor = buffer.newCache(300);
        List<float[]> kept = new ArrayList<>(List.of(new float[0], new float[0], new float[0], new float[0]));
        append(survivor, 3, random, kept);
        int longRows = buffer.rowLength();
        live.forEach(KvCache::release);
        check(survivor, kept);
        assertThat(buffer.rowLength()).isLessThan(longRows);
        survivor.release();
        assertThat(buffer.rowsMoved()).isPositive();
        assertThatThrownBy(() -> buffer.arrange(live.subList(0, 1), 1, new int[1]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @org.junit.jupiter.api.Test
    void shouldRoundToFloat16InAHalfBufferAndRefuseOtherElementSizes() {
        SharedKvBuffer half = new SharedKvBuffer(1, 1, 2, 8, 2);
        KvCache c = half.newCache(8);
        float[] k = {1.0001f, -3.14159f};
        c.appendFrom(0, FloatBuffer.wrap(k), FloatBuffer.wrap(k), 0, 1, 0, 1);
        c.advance(1);
        assertThat(c.key(0, 0, 0)).containsExactly(Float.float16ToFloat(Float.floatToFloat16(1.0001f)),
                Float.float16ToFloat(Float.floatToFloat16(-3.14159f)));
        assertThatThrownBy(() -> new SharedKvBuffer(1, 1, 2, 8, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    private static void append(KvCache c, int count, SplittableRandom random, List<float[]> expected) {
        int length = c.length();
        for (int l = 0; l < LAYERS; l++) {
            float[] k = new float[KV_HEADS * count * HEAD_DIM];
            float[] v = new float[KV_HEADS * count * HEAD_DIM];
            for (int i = 0; i < k.length; i++) {
                // float16-exact values: a half buffer then holds them exactly too
                k[i] = Float.float16ToFloat(Float.floatToFloat16((float) random.nextDouble()));
                v[i] = Float.float16ToFloat(Float.floatToFloat16((float) random.nextDouble()));
            }
            c.appendFrom(l, FloatBuffer.wrap(k), FloatBuffer.wrap(v), 0, count, 0, count);
            expected.set(2 * l, concat(expected.get(2 * l), length, k, count));
            expected.set(2 * l + 1, concat(expected.get(2 * l + 1), length, v, count));
        }
        c.advance(count);
    }

    /** [kvHeads][length][headDim] followed by [kvHeads][count][headDim], per head. */
    private static float[] concat(float[] old, int length, float[] added, int count) {
        float[] out = new float[KV_HEADS * (length + count) * HEAD_DIM];
        for (int h = 0; h < KV_HEADS; h++) {
            System.arraycopy(old, h * length * HEAD_DIM, out, h * (length + count) * HEAD_DIM, length * HEAD_DIM);
            System.arraycopy(added, h * count * HEAD_DIM, out, (h * (length + count) + length) * HEAD_DIM, count * HEAD_DIM);
        }
        return out;
    }

    private static void check(KvCache c, List<float[]> expected) {
        for (int l = 0; l < LAYERS; l++) {
            float[] k = new float[KV_HEADS * c.length() * HEAD_DIM];
            float[] v = new float[k.length];
            c.copyOut(l, 0, c.length(), k, v);
            assertThat(k).containsExactly(expected.get(2 * l));
            assertThat(v).containsExactly(expected.get(2 * l + 1));
        }
    }
}
