package dev.llmplatform.constraint;

import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * A slow, obvious decoding loop for tests: logits from a random or an adversarial source, the constraint's
 * mask applied, the best remaining token taken; past {@code budget} tokens it finishes along the shortest
 * byte path to acceptance (single-byte tokens), as a model would that has learnt to close its brackets.
 * Checks on every step that a stop token is allowed exactly when the constraint accepts.
 */
final class ConstrainedWalk {

    /** Logits for the next token, given the tokens allowed now. */
    interface Logits {
        float[] next(long[] allowed, Random random);
    }

    /** Uniformly random logits: the mask alone keeps the output valid. */
    static final Logits RANDOM = (allowed, random) -> {
        float[] l = new float[allowed.length * 64];
        for (int i = 0; i < l.length; i++) {
            l[i] = (float) random.nextGaussian();
        }
        return l;
    };

    /** Every forbidden token scores far above every allowed one: a model that wants to break the constraint. */
    static final Logits ADVERSARIAL = (allowed, random) -> {
        float[] l = RANDOM.next(allowed, random);
        for (int i = 0; i < l.length; i++) {
            if (!TokenMasks.isAllowed(allowed, i)) {
                l[i] += 100;
            }
        }
        return l;
    };

    private ConstrainedWalk() {
    }

    /** The bytes generated until the stop token. */
    static byte[] generate(TokenMasks masks, int stopToken, Logits logits, long seed, int budget) {
        Random random = new Random(seed);
        ConstraintState state = new ConstraintState(masks);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int step = 0; step < budget; step++) {
            long[] allowed = state.allowed();
            if (TokenMasks.isAllowed(allowed, stopToken) != state.accepts()) {
                throw new AssertionError("stop token allowed " + TokenMasks.isAllowed(allowed, stopToken)
                        + " but accepting " + state.accepts() + " after " + out);
            }
            float[] l = logits.next(allowed, random);
            int best = -1;
            for (int i = 0; i < masks.vocabulary().size(); i++) {
                if (TokenMasks.isAllowed(allowed, i) && (best < 0 || l[i] > l[best])) {
                    best = i;
                }
            }
            if (best < 0) {
                throw new AssertionError("no token allowed after " + out);
            }
            if (best == stopToken) {
                return out.toByteArray();
            }
            out.writeBytes(masks.vocabulary().bytes(best));
            state.advance(best);
        }
        ByteDfa dfa = masks.dfa();
        out.writeBytes(shortestCompletion(dfa, dfa.walk(dfa.start(), out.toByteArray())));
        return out.toByteArray();
    }

    /** Breadth-first over single bytes to the nearest accepting state. */
    static byte[] shortestCompletion(ByteDfa dfa, int from) {
        Map<Integer, int[]> parent = new HashMap<>();
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        parent.put(from, null);
        queue.add(from);
        while (!queue.isEmpty()) {
            int s = queue.poll();
            if (dfa.isAccepting(s)) {
                ByteArrayOutputStream path = new ByteArrayOutputStream();
                for (int at = s; parent.get(at) != null; at = parent.get(at)[0]) {
                    path.write(parent.get(at)[1]);
                }
                byte[] reversed = path.toByteArray();
                byte[] bytes = new byte[reversed.length];
                for (int i = 0; i < bytes.length; i++) {
                    bytes[i] = reversed[reversed.length - 1 - i];
                }
                return bytes;
            }
            for (int b = 0; b < 256; b++) {
                int t = dfa.next(s, b);
                if (t != ByteDfa.DEAD && !parent.containsKey(t)) {
                    parent.put(t, new int[]{s, b});
                    queue.add(t);
                }
            }
        }
        throw new AssertionError("no completion from state " + from);
    }
}
