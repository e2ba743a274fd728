package dev.llmplatform.constraint;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Comparator;

/**
 * Every token's bytes in one trie, in flat arrays: walking it beside an automaton visits each shared prefix
 * once and skips the whole subtree of a prefix the automaton refuses, so structural states (after a
 * {@code {}, expecting {@code "}) cost a handful of steps however large the vocabulary. Node 0 is the root;
 * a node's children are contiguous, sorted by byte. Immutable.
 */
public final class TokenTrie {

    private final int[] childStart;
    private final int[] childEnd;
    private final int[] label;
    private final int[] tokenStart;
    private final int[] tokenEnd;
    private final int[] tokens;

    private TokenTrie(int[] childStart, int[] childEnd, int[] label, int[] tokenStart, int[] tokenEnd, int[] tokens) {
        this.childStart = childStart;
        this.childEnd = childEnd;
        this.label = label;
        this.tokenStart = tokenStart;
        this.tokenEnd = tokenEnd;
        this.tokens = tokens;
    }

    static TokenTrie of(byte[][] bytes) {
        Integer[] order = new Integer[bytes.length];
        int n = 0;
        for (int id = 0; id < bytes.length; id++) {
            if (bytes[id] != null && bytes[id].length > 0) {
                order[n++] = id;
            }
        }
        Integer[] ids = Arrays.copyOf(order, n);
        Arrays.sort(ids, Comparator.comparing((Integer id) -> bytes[id], Arrays::compareUnsigned));
        int[] sorted = new int[n];
        for (int i = 0; i < n; i++) {
            sorted[i] = ids[i];
        }
        // Breadth first: a node is (its range of sorted ids sharing its prefix, its depth).
        IntList childStart = new IntList();
        IntList childEnd = new IntList();
        IntList label = new IntList();
        IntList tokenStart = new IntList();
        IntList tokenEnd = new IntList();
        ArrayDeque<int[]> queue = new ArrayDeque<>();
        label.add(-1);
        queue.add(new int[]{0, n, 0});
        int nodes = 1;
        while (!queue.isEmpty()) {
            int[] node = queue.poll();
            int from = node[0];
            int to = node[1];
            int depth = node[2];
            int i = from;
            while (i < to && bytes[sorted[i]].length == depth) {
                i++;
            }
            tokenStart.add(from);
            tokenEnd.add(i);
            childStart.add(nodes);
            while (i < to) {
                int b = bytes[sorted[i]][depth] & 0xFF;
                int j = i;
                while (j < to && (bytes[sorted[j]][depth] & 0xFF) == b) {
                    j++;
                }
                label.add(b);
                queue.add(new int[]{i, j, depth + 1});
                nodes++;
                i = j;
            }
            childEnd.add(nodes);
        }
        return new TokenTrie(childStart.toArray(), childEnd.toArray(), label.toArray(), tokenStart.toArray(),
                tokenEnd.toArray(), sorted);
    }

    public int nodes() {
        return label.length;
    }

    int childStart(int node) {
        return childStart[node];
    }

    int childEnd(int node) {
        return childEnd[node];
    }

    int label(int node) {
        return label[node];
    }

    int tokenStart(int node) {
        return tokenStart[node];
    }

    int tokenEnd(int node) {
        return tokenEnd[node];
    }

    int token(int index) {
        return tokens[index];
    }

    private static final class IntList {
        private int[] values = new int[1024];
        private int size;

        void add(int v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        int[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
