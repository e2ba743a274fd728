package dev.llmplatform.tokenizer.bpe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The BPE merge loop over distinct pre-tokenized words. Pair counts are kept up to date
 * incrementally: a merge revisits only the words holding the merged pair (each pair remembers
 * its words) and a lazy priority queue re-ranks pairs whose counts changed, so training cost
 * grows with the words touched, not with the corpus times the vocabulary.
 *
 * <p>Deterministic: the most frequent pair wins; ties go to the smaller (left id, right id).
 */
final class MergeLearner {

    /** One merge in learning order: the two token strings joined into one. */
    record Merge(String left, String right) {
    }

    private record Candidate(long count, int left, int right) {
    }

    private static final Comparator<Candidate> BEST_FIRST = Comparator.comparingLong(Candidate::count).reversed()
            .thenComparingInt(Candidate::left).thenComparingInt(Candidate::right);

    /** Count of one adjacent pair and the words it may occur in (indices may repeat or be stale). */
    private static final class PairStats {
        long count;
        int[] words = new int[4];
        int size;

        void addWord(int word) {
            if (size == words.length) {
                words = Arrays.copyOf(words, size * 2);
            }
            words[size++] = word;
        }
    }

    private final List<String> idToToken;
    private final Map<String, Integer> tokenToId = new HashMap<>();
    private final int[][] words;
    private final int[] lengths;
    private final long[] freqs;
    private final int[] visitedAtStep;
    private final Map<Long, PairStats> pairs = new HashMap<>();
    private final PriorityQueue<Candidate> queue = new PriorityQueue<>(BEST_FIRST);
    private final List<Merge> merges = new ArrayList<>();
    private int step;

    /**
     * @param initialTokens the starting vocabulary, index = id (special tokens, then the byte alphabet)
     * @param words         each distinct word as token ids of {@code initialTokens}
     * @param freqs         how often each word occurs
     */
    MergeLearner(List<String> initialTokens, int[][] words, long[] freqs) {
        this.idToToken = new ArrayList<>(initialTokens);
        for (int id = 0; id < idToToken.size(); id++) {
            tokenToId.putIfAbsent(idToToken.get(id), id);
        }
        this.words = words;
        this.freqs = freqs;
        this.lengths = new int[words.length];
        this.visitedAtStep = new int[words.length];
        for (int w = 0; w < words.length; w++) {
            lengths[w] = words[w].length;
            for (int i = 0; i + 1 < lengths[w]; i++) {
                PairStats stats = statsOf(key(words[w][i], words[w][i + 1]));
                stats.count += freqs[w];
                stats.addWord(w);
            }
        }
        pairs.forEach((key, stats) -> queue.add(new Candidate(stats.count, left(key), right(key))));
    }

    /** Merges until the vocabulary has {@code vocabSize} tokens or no pair occurs {@code minFrequency} times. */
    void learn(int vocabSize, long minFrequency) {
        while (idToToken.size() < vocabSize) {
            Candidate best = queue.poll();
            if (best == null) {
                return;
            }
            PairStats stats = pairs.get(key(best.left(), best.right()));
            if (stats == null) {
                continue;
            }
            if (stats.count != best.count()) {
                queue.add(new Candidate(stats.count, best.left(), best.right()));
                continue;
            }
            if (best.count() < minFrequency) {
                return;
            }
            merge(best.left(), best.right());
        }
    }

    List<String> vocabulary() {
        return List.copyOf(idToToken);
    }

    List<Merge> merges() {
        return List.copyOf(merges);
    }

    private void merge(int left, int right) {
        String merged = idToToken.get(left) + idToToken.get(right);
        // Two different merges can spell the same string ("ab"+"c", "a"+"bc"): they share one id.
        int newId = tokenToId.computeIfAbsent(merged, t -> {
            idToToken.add(t);
            return idToToken.size() - 1;
        });
        merges.add(new Merge(idToToken.get(left), idToToken.get(right)));
        step++;
        long mergedKey = key(left, right);
        PairStats mergedStats = pairs.remove(mergedKey);
        Map<Long, Long> deltas = new HashMap<>();
        for (int i = 0; i < mergedStats.size; i++) {
            int w = mergedStats.words[i];
            if (visitedAtStep[w] == step) {
                continue;
            }
            visitedAtStep[w] = step;
            if (!contains(w, left, right)) {
                continue;
            }
            countPairs(w, -freqs[w], deltas);
            replace(w, left, right, newId);
            countPairs(w, freqs[w], deltas);
            rememberWordForNewPairs(w, newId);
        }
        deltas.forEach((key, delta) -> {
            if (key == mergedKey || delta == 0) {
                return;
            }
            PairStats stats = statsOf(key);
            stats.count += delta;
            if (stats.count <= 0) {
                pairs.remove(key);
            } else if (delta > 0) {
                queue.add(new Candidate(stats.count, left(key), right(key)));
            }
        });
    }

    private boolean contains(int w, int left, int right) {
        int[] s = words[w];
        for (int i = 0; i + 1 < lengths[w]; i++) {
            if (s[i] == left && s[i + 1] == right) {
                return true;
            }
        }
        return false;
    }

    private void countPairs(int w, long amount, Map<Long, Long> deltas) {
        int[] s = words[w];
        for (int i = 0; i + 1 < lengths[w]; i++) {
            deltas.merge(key(s[i], s[i + 1]), amount, Long::sum);
        }
    }

    /** Replaces every non-overlapping (left, right), left to right, in place. */
    private void replace(int w, int left, int right, int newId) {
        int[] s = words[w];
        int out = 0;
        for (int i = 0; i < lengths[w]; i++) {
            if (i + 1 < lengths[w] && s[i] == left && s[i + 1] == right) {
                s[out++] = newId;
                i++;
            } else {
                s[out++] = s[i];
            }
        }
        lengths[w] = out;
    }

    /** Only pairs holding the new token are new to this word; all others already list it. */
    private void rememberWordForNewPairs(int w, int newId) {
        int[] s = words[w];
        for (int i = 0; i + 1 < lengths[w]; i++) {
            if (s[i] == newId || s[i + 1] == newId) {
                statsOf(key(s[i], s[i + 1])).addWord(w);
            }
        }
    }

    private PairStats statsOf(long key) {
        return pairs.computeIfAbsent(key, k -> new PairStats());
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    private static int left(long key) {
        return (int) (key >>> 32);
    }

    private static int right(long key) {
        return (int) key;
    }
}
