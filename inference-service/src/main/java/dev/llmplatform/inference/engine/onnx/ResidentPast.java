package dev.llmplatform.inference.engine.onnx;

import dev.llmplatform.inference.engine.kv.KvCache;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * Two sets of per-layer key/value buffers used in turn: one step's {@code present.*} outputs are
 * written into one set, and when the next step runs the very same caches (same objects, same order,
 * each just as long as that step left it) that set is fed back unchanged as {@code past_key_values.*}:
 * a batch [B, kvHeads, T, headDim] present is exactly the next step's padded past. Only when the batch
 * changes is the past rebuilt from the sequences' own caches. Used by one thread.
 */
final class ResidentPast {

    /** One tensor per layer for keys and for values, grow-only. */
    private static final class KvSet {
        final ByteBuffer[] keys;
        final ByteBuffer[] values;

        KvSet(int layers) {
            keys = new ByteBuffer[layers];
            values = new ByteBuffer[layers];
        }

        FloatBuffer key(int layer, int floats) {
            return view(keys, layer, floats);
        }

        FloatBuffer value(int layer, int floats) {
            return view(values, layer, floats);
        }

        private static FloatBuffer view(ByteBuffer[] buffers, int layer, int floats) {
            int bytes = floats * Float.BYTES;
            ByteBuffer b = buffers[layer];
            if (b == null || b.capacity() < bytes) {
                // Grown buffers lose their content: only a set about to be (over)written ever grows.
                b = ByteBuffer.allocateDirect(Math.max(bytes, b == null ? 0 : b.capacity() * 3 / 2)).order(ByteOrder.nativeOrder());
                buffers[layer] = b;
            }
            return b.clear().limit(bytes).slice().order(ByteOrder.nativeOrder()).asFloatBuffer();
        }
    }

    private KvSet resident;
    private KvSet spare;
    /** The caches whose padded past {@link #resident} holds, and their lengths; null when it holds nothing usable. */
    private KvCache[] owners;
    private int[] lengths;
    private long reused;
    private long rebuilt;

    ResidentPast(int layers) {
        this.resident = new KvSet(layers);
        this.spare = new KvSet(layers);
    }

    /** Where this step's past comes from and its presents go. */
    record Step(KvSet past, KvSet present, boolean reused) {
        FloatBuffer pastKey(int layer, int floats) {
            return past.key(layer, floats);
        }

        FloatBuffer pastValue(int layer, int floats) {
            return past.value(layer, floats);
        }

        FloatBuffer presentKey(int layer, int floats) {
            return present.key(layer, floats);
        }

        FloatBuffer presentValue(int layer, int floats) {
            return present.value(layer, floats);
        }
    }

    /**
     * Sets up a step over these caches, padded to {@code maxPast}. When {@link Step#reused()} is false
     * the caller must fill the past buffers itself.
     */
    Step begin(List<KvCache> caches, int maxPast) {
        boolean reuse = holds(caches, maxPast);
        owners = null;  // until finish(): a failed step leaves nothing to reuse
        if (reuse) {
            reused++;
            return new Step(resident, spare, true);
        }
        rebuilt++;
        return new Step(spare, resident, false);
    }

    /** After a successful step: its presents are now the resident past of these caches (already advanced). */
    void finish(Step step, List<KvCache> caches) {
        resident = step.present();
        spare = step.past();
        owners = caches.toArray(KvCache[]::new);
        lengths = new int[owners.length];
        for (int i = 0; i < owners.length; i++) {
            lengths[i] = owners[i].length();
        }
    }

    private boolean holds(List<KvCache> caches, int maxPast) {
        if (owners == null || owners.length != caches.size()) {
            return false;
        }
        int longest = 0;
        for (int i = 0; i < owners.length; i++) {
            KvCache c = caches.get(i);
            if (c != owners[i] || c.length() != lengths[i]) {
                return false;
            }
            longest = Math.max(longest, lengths[i]);
        }
        // The resident tensor is padded to its own longest past: the same padding this step asks for.
        return longest == maxPast;
    }

    /** Steps that fed the previous presents back / that copied the past from the caches. */
    long reusedSteps() {
        return reused;
    }

    long rebuiltSteps() {
        return rebuilt;
    }
}
