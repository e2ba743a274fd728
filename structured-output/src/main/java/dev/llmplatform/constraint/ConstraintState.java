package dev.llmplatform.constraint;

/**
 * Where one generation stands inside its constraint: the automaton state after the tokens it emitted so
 * far. Each step the sampler asks {@link #allowed()} and the chosen token is fed to {@link #advance}.
 * One per sequence, touched by one thread.
 */
public final class ConstraintState {

    private final TokenMasks masks;
    private int state;

    public ConstraintState(TokenMasks masks) {
        this.masks = masks;
        this.state = masks.dfa().start();
    }

    /** The tokens that may come next (stop tokens only when the output so far is complete). */
    public long[] allowed() {
        return masks.allowed(state);
    }

    public void advance(int tokenId) {
        state = masks.advance(state, tokenId);
    }

    /** True when the output so far is a complete match. */
    public boolean accepts() {
        return masks.dfa().isAccepting(state);
    }
}
