package dev.llmplatform.constraint;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * A Thompson automaton over bytes built from a {@link Regex}: each state has byte-range transitions and
 * empty (epsilon) transitions; one accepting state. Character sets become their UTF-8 byte sequences
 * ({@link Utf8Ranges}). States that cannot reach the accepting state are marked dead, so the {@link ByteDfa}
 * drops them and never leads generation into a corner it cannot leave. Immutable once built.
 */
public final class Nfa {

    /** Most states one constraint may build: bounds compile time and memory. */
    public static final int MAX_STATES = 400_000;

    private int count;
    /** Per state: byte transitions as triples {lo, hi, target}. */
    private int[][] edges = new int[64][];
    private int[] edgeCount = new int[64];
    private int[][] eps = new int[64][];
    private int[] epsCount = new int[64];
    private final int start;
    private final int accept;
    private final BitSet live;

    private Nfa(Regex regex) {
        start = newState();
        accept = newState();
        build(regex, start, accept);
        live = liveStates();
    }

    public static Nfa of(Regex regex) {
        return new Nfa(regex);
    }

    public int start() {
        return start;
    }

    public int accept() {
        return accept;
    }

    public int size() {
        return count;
    }

    /** True when some string is accepted at all. */
    public boolean matchesSomething() {
        return live.get(start);
    }

    boolean isLive(int state) {
        return live.get(state);
    }

    int[] edges(int state) {
        return edges[state];
    }

    int edgeCount(int state) {
        return edgeCount[state];
    }

    int[] epsilons(int state) {
        return eps[state];
    }

    int epsilonCount(int state) {
        return epsCount[state];
    }

    private int newState() {
        if (count == MAX_STATES) {
            throw new ConstraintException("constraint is too large: over " + MAX_STATES + " automaton states");
        }
        if (count == edges.length) {
            int n = count * 2;
            edges = Arrays.copyOf(edges, n);
            edgeCount = Arrays.copyOf(edgeCount, n);
            eps = Arrays.copyOf(eps, n);
            epsCount = Arrays.copyOf(epsCount, n);
        }
        edges[count] = new int[0];
        eps[count] = new int[0];
        return count++;
    }

    private void edge(int from, int lo, int hi, int to) {
        int n = edgeCount[from] * 3;
        if (n == edges[from].length) {
            edges[from] = Arrays.copyOf(edges[from], Math.max(6, n * 2));
        }
        edges[from][n] = lo;
        edges[from][n + 1] = hi;
        edges[from][n + 2] = to;
        edgeCount[from]++;
    }

    private void epsilon(int from, int to) {
        int n = epsCount[from];
        if (n == eps[from].length) {
            eps[from] = Arrays.copyOf(eps[from], Math.max(2, n * 2));
        }
        eps[from][n] = to;
        epsCount[from]++;
    }

    /** Adds states so that the strings of {@code r} lead from {@code from} to {@code to}. */
    private void build(Regex r, int from, int to) {
        switch (r) {
            case Regex.Chars c -> {
                for (int[] seq : Utf8Ranges.of(c.set())) {
                    int at = from;
                    for (int k = 0; k < seq.length; k += 2) {
                        int next = k + 2 == seq.length ? to : newState();
                        edge(at, seq[k], seq[k + 1], next);
                        at = next;
                    }
                }
            }
            case Regex.Seq s -> {
                List<Regex> parts = s.parts();
                if (parts.isEmpty()) {
                    epsilon(from, to);
                    return;
                }
                int at = from;
                for (int i = 0; i < parts.size(); i++) {
                    int next = i == parts.size() - 1 ? to : newState();
                    build(parts.get(i), at, next);
                    at = next;
                }
            }
            case Regex.Alt a -> {
                for (Regex option : a.options()) {
                    int in = newState();
                    epsilon(from, in);
                    build(option, in, to);
                }
            }
            case Regex.Repeat rep -> repeat(rep, from, to);
            case Regex.Separated list -> separated(list, from, to);
            case Regex.Members m -> members(m, from, to);
            case Regex.Avoiding a -> avoiding(a.literal(), from, to);
        }
    }

    /** Non-ASCII characters: they never match a byte of an ASCII literal, so each one resets its automaton. */
    private static final Regex NON_ASCII = new Regex.Chars(CodePoints.range(0x80, CodePoints.MAX));

    /**
     * State {@code i} has read text whose longest suffix that begins the literal is {@code i} bytes long; every state
     * may end the text; the byte that would complete the literal has no transition.
     */
    private void avoiding(String literal, int from, int to) {
        byte[] w = literal.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int[] q = new int[w.length];
        for (int i = 0; i < w.length; i++) {
            q[i] = newState();
            epsilon(q[i], to);
        }
        epsilon(from, q[0]);
        for (int i = 0; i < w.length; i++) {
            int lo = 0;
            int target = matched(w, i, 0);
            for (int b = 1; b <= 0x80; b++) {
                int t = b < 0x80 ? matched(w, i, b) : -1;
                if (t != target) {
                    if (target < w.length) {
                        edge(q[i], lo, b - 1, q[target]);
                    }
                    lo = b;
                    target = t;
                }
            }
            build(NON_ASCII, q[i], q[0]);
        }
    }

    /** How much of the literal is matched after reading byte {@code b} with {@code i} bytes of it matched. */
    private static int matched(byte[] w, int i, int b) {
        for (int k = Math.min(i + 1, w.length); k > 0; k--) {
            if (w[k - 1] != b) {
                continue;
            }
            boolean suffix = true;   // w[0..k-1) must end the text read so far, w[0..i)
            for (int j = 0; j < k - 1 && suffix; j++) {
                suffix = w[j] == w[i - (k - 1) + j];
            }
            if (suffix) {
                return k;
            }
        }
        return 0;
    }

    /** Items with separators; an unbounded list loops back over its last item, so it holds max(min, 1) copies. */
    private void separated(Regex.Separated list, int from, int to) {
        int min = list.min();
        int max = list.max();
        if (max == 0) {
            epsilon(from, to);
            return;
        }
        if (min == 0) {
            epsilon(from, to);
        }
        int in = newState();
        epsilon(from, in);
        int out = newState();
        build(list.item(), in, out);
        int count = 1;
        boolean unbounded = max == Regex.Repeat.UNBOUNDED;
        while (count < min || !unbounded && count < max) {
            if (count >= min) {
                epsilon(out, to);
            }
            in = newState();
            build(list.separator(), out, in);
            out = newState();
            build(list.item(), in, out);
            count++;
        }
        if (unbounded) {
            build(list.separator(), out, in);
        }
        epsilon(out, to);
    }

    /** Two tracks: nothing written yet (no comma before the next member) and something written. */
    private void members(Regex.Members m, int from, int to) {
        int n = m.members().size();
        int nothing = from;
        int something = newState();
        for (int i = 0; i < n; i++) {
            int in = newState();
            int nextNothing = newState();
            int nextSomething = newState();
            epsilon(nothing, in);
            edge(something, ',', ',', in);
            build(m.members().get(i), in, nextSomething);
            if (!m.required().get(i)) {
                epsilon(nothing, nextNothing);
                epsilon(something, nextSomething);
            }
            nothing = nextNothing;
            something = nextSomething;
        }
        epsilon(nothing, to);
        epsilon(something, to);
    }

    private void repeat(Regex.Repeat rep, int from, int to) {
        int at = from;
        for (int i = 0; i < rep.min(); i++) {
            int next = newState();
            build(rep.body(), at, next);
            at = next;
        }
        if (rep.max() == Regex.Repeat.UNBOUNDED) {
            int loop = newState();
            epsilon(at, loop);
            int back = newState();
            build(rep.body(), loop, back);
            epsilon(back, loop);
            epsilon(loop, to);
            return;
        }
        for (int i = rep.min(); i < rep.max(); i++) {
            epsilon(at, to);
            int next = newState();
            build(rep.body(), at, next);
            at = next;
        }
        epsilon(at, to);
    }

    /** States from which the accepting state can be reached: a backward search over every transition. */
    private BitSet liveStates() {
        int[][] reverse = new int[count][];
        int[] reverseCount = new int[count];
        for (int s = 0; s < count; s++) {
            for (int k = 0; k < edgeCount[s]; k++) {
                reverseCount[edges[s][3 * k + 2]]++;
            }
            for (int k = 0; k < epsCount[s]; k++) {
                reverseCount[eps[s][k]]++;
            }
        }
        for (int s = 0; s < count; s++) {
            reverse[s] = new int[reverseCount[s]];
            reverseCount[s] = 0;
        }
        for (int s = 0; s < count; s++) {
            for (int k = 0; k < edgeCount[s]; k++) {
                int t = edges[s][3 * k + 2];
                reverse[t][reverseCount[t]++] = s;
            }
            for (int k = 0; k < epsCount[s]; k++) {
                int t = eps[s][k];
                reverse[t][reverseCount[t]++] = s;
            }
        }
        BitSet seen = new BitSet(count);
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        seen.set(accept);
        queue.add(accept);
        while (!queue.isEmpty()) {
            int s = queue.poll();
            for (int p : reverse[s]) {
                if (!seen.get(p)) {
                    seen.set(p);
                    queue.add(p);
                }
            }
        }
        return seen;
    }
}
