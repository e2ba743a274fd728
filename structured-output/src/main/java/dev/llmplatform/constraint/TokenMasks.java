package dev.llmplatform.constraint;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which tokens of a vocabulary may come next in each state of a constraint's automaton, as a bit set over
 * token ids (bit set = allowed), computed the first time a state is reached by walking the vocabulary's
 * {@link TokenTrie} beside the automaton, and kept (the most recent {@link #MAX_CACHED_STATES} states).
 * A token is allowed when all its bytes keep the automaton alive; the stop tokens (EOS) are allowed
 * exactly when the state accepts, and never otherwise, whatever bytes they have. Thread-safe.
 */
public final class TokenMasks {

    /** States whose masks are kept per constraint and vocabulary. */
    public static final int MAX_CACHED_STATES = 1024;

    private final ByteDfa dfa;
    private final TokenVocabulary vocabulary;
    private final int[] stopTokenIds;
    private final Map<Integer, long[]> cache = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, long[]> eldest) {
            return size() > MAX_CACHED_STATES;
        }
    };

    public TokenMasks(ByteDfa dfa, TokenVocabulary vocabulary, int[] stopTokenIds) {
        this.dfa = dfa;
        this.vocabulary = vocabulary;
        this.stopTokenIds = stopTokenIds.clone();
    }

    public ByteDfa dfa() {
        return dfa;
    }

    public TokenVocabulary vocabulary() {
        return vocabulary;
    }

    /** The allowed tokens in {@code state}; shared, do not modify. */
    public long[] allowed(int state) {
        synchronized (dfa) {
            long[] mask = cache.get(state);
            if (mask == null) {
                mask = compute(state);
                cache.put(state, mask);
            }
            return mask;
        }
    }

    /** The state after emitting {@code tokenId} in {@code state} ({@link ByteDfa#DEAD} for a token it refuses). */
    public int advance(int state, int tokenId) {
        byte[] bytes = vocabulary.bytes(tokenId);
        if (bytes == null) {
            return ByteDfa.DEAD;
        }
        return dfa.walk(state, bytes);
    }

    public static boolean isAllowed(long[] mask, int tokenId) {
        return tokenId >= 0 && (tokenId >> 6) < mask.length && (mask[tokenId >> 6] & (1L << tokenId)) != 0;
    }

    /** True when no token at all is allowed. */
    public static boolean isEmpty(long[] mask) {
        for (long word : mask) {
            if (word != 0) {
                return false;
            }
        }
        return true;
    }

    private long[] compute(int state) {
        long[] mask = new long[(vocabulary.size() + 63) >> 6];
        if (state >= 0) {
            TokenTrie trie = vocabulary.trie();
            int[] nodeStack = new int[256];
            int[] stateStack = new int[256];
            int top = 0;
            nodeStack[top] = 0;
            stateStack[top++] = state;
            while (top > 0) {
                int node = nodeStack[--top];
                int at = stateStack[top];
                for (int child = trie.childStart(node), end = trie.childEnd(node); child < end; child++) {
                    int next = dfa.step(at, trie.label(child));
                    if (next == ByteDfa.DEAD) {
                        continue;
                    }
                    for (int t = trie.tokenStart(child), te = trie.tokenEnd(child); t < te; t++) {
                        int id = trie.token(t);
                        mask[id >> 6] |= 1L << id;
                    }
                    if (trie.childStart(child) < trie.childEnd(child)) {
                        if (top == nodeStack.length) {
                            nodeStack = java.util.Arrays.copyOf(nodeStack, top * 2);
                            stateStack = java.util.Arrays.copyOf(stateStack, top * 2);
                        }
                        nodeStack[top] = child;
                        stateStack[top++] = next;
                    }
                }
            }
        }
        boolean accepts = dfa.accepts(state);
        for (int id : stopTokenIds) {
            if (id >= 0 && id < vocabulary.size()) {
                if (accepts) {
                    mask[id >> 6] |= 1L << id;
                } else {
                    mask[id >> 6] &= ~(1L << id);
                }
            }
        }
        return mask;
    }
}
