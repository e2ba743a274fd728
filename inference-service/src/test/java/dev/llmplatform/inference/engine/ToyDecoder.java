package dev.llmplatform.inference.engine;

import dev.llmplatform.inference.engine.kv.HeapKvCache;
import dev.llmplatform.inference.engine.kv.KvCache;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A tiny deterministic "language model" for scheduler tests: its cache holds the token ids fed so
 * far (one layer, one head, one dimension), and the next token is a function of that whole history,
 * so a sequence that read another sequence's cache would go astray at once.
 */
final class ToyDecoder implements Decoder {

    private final int vocab;
    private final int context;
    final List<Integer> batchSizes = new ArrayList<>();
    /** Every token position ever fed: with no recomputation, prompt plus generated minus one per sequence. */
    final AtomicLong fedTokens = new AtomicLong();

    ToyDecoder(int vocab, int context) {
        this.vocab = vocab;
        this.context = context;
    }

    /** The token that follows this history. */
    static int next(List<Integer> history, int vocab) {
        long sum = 0;
        for (int t : history) {
            sum = sum * 31 + t + 1;
        }
        return (int) Math.floorMod(sum, (long) vocab);
    }

    /** What greedy decoding must produce from {@code prompt}, computed without any cache. */
    static List<Integer> expected(int[] prompt, int count, int vocab) {
        List<Integer> history = new ArrayList<>();
        for (int t : prompt) {
            history.add(t);
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int t = next(history, vocab);
            out.add(t);
            history.add(t);
        }
        return out;
    }

    @Override
    public int vocabSize() {
        return vocab;
    }

    @Override
    public int contextLength() {
        return context;
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
        synchronized (batchSizes) {
            batchSizes.add(caches.size());
        }
        float[][][] logits = new float[caches.size()][1][vocab];
        for (int b = 0; b < caches.size(); b++) {
            KvCache cache = caches.get(b);
            int[] chunk = chunks.get(b);
            fedTokens.addAndGet(chunk.length);
            FloatBuffer present = FloatBuffer.allocate(cache.length() + chunk.length);
            List<Integer> history = new ArrayList<>();
            for (int p = 0; p < cache.length(); p++) {
                history.add((int) cache.key(0, 0, p)[0]);
            }
            for (int t : chunk) {
                history.add(t);
            }
            for (int p = 0; p < history.size(); p++) {
                present.put(p, history.get(p));
            }
            cache.appendFrom(0, present, present, 0, history.size(), cache.length(), chunk.length);
            cache.advance(chunk.length);
            logits[b][0][next(history, vocab)] = 5f;
        }
        return logits;
    }
}
