package dev.llmplatform.constraint;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The deterministic automaton of an {@link Nfa}, built lazily by subset construction: a state is the set of
 * live NFA states reachable by the bytes read so far; a transition is computed the first time it is asked
 * for and then kept, so a constraint pays only for the states generation actually visits (a schema's
 * automaton can be far larger than any output walks). {@link #DEAD} is the state after a byte no output
 * can continue with. Every other state can still reach acceptance. Thread-safe: {@link #next} is
 * synchronized (uncontended, an engine thread is the one caller once a request runs).
 */
public final class ByteDfa {

    public static final int DEAD = -1;
    /** Most states one constraint may materialise before generation under it fails. */
    public static final int MAX_STATES = 200_000;
    private static final int UNKNOWN = -2;

    private final Nfa nfa;
    private final Map<Key, Integer> ids = new HashMap<>();
    private final List<int[]> sets = new ArrayList<>();
    private final List<int[]> transitions = new ArrayList<>();
    private final List<Boolean> accepting = new ArrayList<>();
    private final int[] mark;
    private int markGeneration;

    private record Key(int[] states) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(states, k.states);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(states);
        }
    }

    public ByteDfa(Nfa nfa) {
        if (!nfa.matchesSomething()) {
            throw new ConstraintException("the constraint matches no output at all");
        }
        this.nfa = nfa;
        this.mark = new int[nfa.size()];
        intern(closure(new int[]{nfa.start()}, 1));
    }

    public int start() {
        return 0;
    }

    public synchronized boolean isAccepting(int state) {
        return accepts(state);
    }

    /** {@link #isAccepting} for a caller that holds this automaton's lock. */
    boolean accepts(int state) {
        return state >= 0 && accepting.get(state);
    }

    /** How many states were materialised so far. */
    public synchronized int stateCount() {
        return sets.size();
    }

    /** The state after reading byte {@code b} (0..255) in {@code state}, or {@link #DEAD}. */
    public synchronized int next(int state, int b) {
        return step(state, b);
    }

    /** {@link #next} for a caller that holds this automaton's lock. */
    int step(int state, int b) {
        if (state < 0) {
            return DEAD;
        }
        int[] row = transitions.get(state);
        int t = row[b];
        if (t == UNKNOWN) {
            t = compute(state, b);
            row[b] = t;
        }
        return t;
    }

    /** The state after all of {@code bytes}, or {@link #DEAD}. */
    public int walk(int state, byte[] bytes) {
        int s = state;
        for (int i = 0; i < bytes.length && s >= 0; i++) {
            s = next(s, bytes[i] & 0xFF);
        }
        return s;
    }

    /** True when the whole byte string is accepted from the start. */
    public boolean matches(byte[] bytes) {
        return isAccepting(walk(start(), bytes));
    }

    private int compute(int state, int b) {
        int[] from = sets.get(state);
        int[] targets = new int[8];
        int n = 0;
        for (int s : from) {
            int[] e = nfa.edges(s);
            for (int k = 0, c = nfa.edgeCount(s); k < c; k++) {
                if (b >= e[3 * k] && b <= e[3 * k + 1]) {
                    if (n == targets.length) {
                        targets = Arrays.copyOf(targets, n * 2);
                    }
                    targets[n++] = e[3 * k + 2];
                }
            }
        }
        if (n == 0) {
            return DEAD;
        }
        int[] closed = closure(targets, n);
        return closed.length == 0 ? DEAD : intern(closed);
    }

    private int intern(int[] closed) {
        Key key = new Key(closed);
        Integer id = ids.get(key);
        if (id != null) {
            return id;
        }
        if (sets.size() >= MAX_STATES) {
            throw new ConstraintException("constraint is too complex: over " + MAX_STATES + " automaton states visited");
        }
        int newId = sets.size();
        ids.put(key, newId);
        sets.add(closed);
        int[] row = new int[256];
        Arrays.fill(row, UNKNOWN);
        transitions.add(row);
        boolean accepts = false;
        for (int s : closed) {
            accepts |= s == nfa.accept();
        }
        accepting.add(accepts);
        return newId;
    }

    /** The epsilon closure of the first {@code n} seeds, live states only, sorted. */
    private int[] closure(int[] seeds, int n) {
        int generation = ++markGeneration;
        int[] stack = new int[Math.max(16, n)];
        int top = 0;
        int[] out = new int[16];
        int size = 0;
        for (int i = 0; i < n; i++) {
            int s = seeds[i];
            if (mark[s] != generation) {
                mark[s] = generation;
                if (top == stack.length) {
                    stack = Arrays.copyOf(stack, top * 2);
                }
                stack[top++] = s;
            }
        }
        while (top > 0) {
            int s = stack[--top];
            if (nfa.isLive(s) && (nfa.edgeCount(s) > 0 || s == nfa.accept())) {
                if (size == out.length) {
                    out = Arrays.copyOf(out, size * 2);
                }
                out[size++] = s;
            }
            int[] e = nfa.epsilons(s);
            for (int k = 0, c = nfa.epsilonCount(s); k < c; k++) {
                int t = e[k];
                if (mark[t] != generation) {
                    mark[t] = generation;
                    if (top == stack.length) {
                        stack = Arrays.copyOf(stack, top * 2);
                    }
                    stack[top++] = t;
                }
            }
        }
        int[] result = Arrays.copyOf(out, size);
        Arrays.sort(result);
        return result;
    }
}
