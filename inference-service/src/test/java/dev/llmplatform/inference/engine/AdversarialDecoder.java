package dev.llmplatform.inference.engine;

import dev.llmplatform.constraint.ByteDfa;
import dev.llmplatform.constraint.TokenMasks;
import dev.llmplatform.inference.engine.kv.HeapKvCache;
import dev.llmplatform.inference.engine.kv.KvCache;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A decoder test double that wants to break the output constraint: it replays the constraint over what the
 * sequence generated so far (the cache holds every fed token id, as {@link ToyDecoder}'s does) and scores
 * every token the constraint forbids far above every allowed one, with noise from the history so ties vary.
 * Only the engine's masking can keep its output valid. With a script, it first wants to write the script's bytes
 * (the token that continues them furthest scores above everything), then turns adversarial.
 */
final class AdversarialDecoder implements Decoder {

    private final TokenMasks masks;
    private final int promptLength;
    private final int[] stopTokenIds;
    private final byte[] script;

    AdversarialDecoder(TokenMasks masks, int promptLength, int... stopTokenIds) {
        this(masks, promptLength, new byte[0], stopTokenIds);
    }

    AdversarialDecoder(TokenMasks masks, int promptLength, byte[] script, int... stopTokenIds) {
        this.masks = masks;
        this.promptLength = promptLength;
        this.stopTokenIds = stopTokenIds;
        this.script = script.clone();
    }

    @Override
    public int vocabSize() {
        return masks.vocabulary().size();
    }

    @Override
    public int contextLength() {
        return 4096;
    }

    @Override
    public long kvBytesPerToken() {
        return 8;
    }

    @Override
    public KvCache newCache(int maxTokens) {
        return new HeapKvCache(1, 1, 1, maxTokens);
    }

    @Override
    public float[][][] step(List<KvCache> caches, List<int[]> chunks, boolean allPositions) {
        float[][][] logits = new float[caches.size()][][];
        for (int b = 0; b < caches.size(); b++) {
            KvCache cache = caches.get(b);
            int[] chunk = chunks.get(b);
            List<Integer> history = new ArrayList<>();
            for (int p = 0; p < cache.length(); p++) {
                history.add((int) cache.key(0, 0, p)[0]);
            }
            for (int t : chunk) {
                history.add(t);
            }
            FloatBuffer present = FloatBuffer.allocate(history.size());
            for (int p = 0; p < history.size(); p++) {
                present.put(p, history.get(p));
            }
            cache.appendFrom(0, present, present, 0, history.size(), cache.length(), chunk.length);
            cache.advance(chunk.length);
            int positions = allPositions ? chunk.length : 1;
            logits[b] = new float[positions][];
            for (int p = 0; p < positions; p++) {
                logits[b][p] = adversarial(history.subList(0, history.size() - positions + p + 1));
            }
        }
        return logits;
    }

    private float[] adversarial(List<Integer> history) {
        int state = masks.dfa().start();
        java.io.ByteArrayOutputStream written = new java.io.ByteArrayOutputStream();
        for (int i = promptLength; i < history.size() && state != ByteDfa.DEAD; i++) {
            if (!isStop(history.get(i))) {
                state = masks.advance(state, history.get(i));
                byte[] bytes = masks.vocabulary().bytes(history.get(i));
                if (bytes != null) {
                    written.writeBytes(bytes);
                }
            }
        }
        long[] allowed = masks.allowed(Math.max(state, 0));
        SplittableRandom noise = new SplittableRandom(history.hashCode());
        float[] l = new float[vocabSize()];
        for (int id = 0; id < l.length; id++) {
            l[id] = (float) noise.nextGaussian() + (TokenMasks.isAllowed(allowed, id) ? 0 : 50);
        }
        int scripted = continuing(written.toByteArray());
        if (scripted >= 0) {
            l[scripted] += 100;
        }
        return l;
    }

    /** The token that continues the script furthest from what was written, or -1 once off or past the script. */
    private int continuing(byte[] written) {
        if (written.length >= script.length
                || !java.util.Arrays.equals(written, 0, written.length, script, 0, written.length)) {
            return -1;
        }
        int best = -1;
        int bestLength = 0;
        for (int id = 0; id < vocabSize(); id++) {
            byte[] t = masks.vocabulary().bytes(id);
            if (t != null && t.length > bestLength && written.length + t.length <= script.length
                    && java.util.Arrays.equals(t, 0, t.length, script, written.length, written.length + t.length)) {
                best = id;
                bestLength = t.length;
            }
        }
        return best;
    }

    private boolean isStop(int id) {
        for (int s : stopTokenIds) {
            if (s == id) {
                return true;
            }
        }
        return false;
    }
}
