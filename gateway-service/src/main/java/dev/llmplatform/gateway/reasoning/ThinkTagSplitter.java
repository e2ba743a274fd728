package dev.llmplatform.gateway.reasoning;

/**
 * Reasoning written between an opening and a closing tag ({@code <think>…</think>}) ahead of the answer.
 *
 * <p>Three states. {@code START}: nothing decided yet; the first characters are held while they could still be the
 * opening tag, which is dropped when it comes. Then {@code REASONING} when the output opened the block or the block
 * is taken as open from the start ({@code reasoningFirst}: the chat template wrote the opening tag, or the model
 * always thinks, like DeepSeek-R1), else {@code CONTENT}. In {@code REASONING} everything up to the closing tag is
 * reasoning, the tag itself is dropped, and only a tail that could be the start of the closing tag is held back.
 * In {@code CONTENT} every character is answer, tags included. Apart from the two tags no character is dropped or
 * repeated, however the text is cut into deltas; a block that never closes is reasoning to the end.
 */
final class ThinkTagSplitter implements ReasoningSplitter {

    private enum State { START, REASONING, CONTENT }

    private final String openTag;
    private final String closeTag;
    private final boolean reasoningFirst;
    private final StringBuilder held = new StringBuilder();
    private State state = State.START;

    ThinkTagSplitter(String openTag, String closeTag, boolean reasoningFirst) {
        if (openTag.isEmpty() || closeTag.isEmpty()) {
            throw new IllegalArgumentException("tags must not be empty");
        }
        this.openTag = openTag;
        this.closeTag = closeTag;
        this.reasoningFirst = reasoningFirst;
    }

    @Override
    public Split accept(String delta) {
        if (delta == null || delta.isEmpty()) {
            return Split.EMPTY;
        }
        if (state == State.CONTENT) {
            return new Split("", delta);
        }
        held.append(delta);
        StringBuilder reasoning = new StringBuilder();
        StringBuilder content = new StringBuilder();
        if (state == State.START && !decideStart()) {
            return Split.EMPTY;
        }
        drain(reasoning, content);
        return new Split(reasoning.toString(), content.toString());
    }

    @Override
    public Split finish() {
        String rest = held.toString();
        held.setLength(0);
        boolean asReasoning = state == State.REASONING || (state == State.START && reasoningFirst);
        state = State.CONTENT;
        if (rest.isEmpty()) {
            return Split.EMPTY;
        }
        return asReasoning ? new Split(rest, "") : new Split("", rest);
    }

    @Override
    public boolean answering() {
        return state == State.CONTENT;
    }

    /** In START: true once the held text shows whether the output opens with the tag (and leaves START). */
    private boolean decideStart() {
        int common = Math.min(held.length(), openTag.length());
        if (!openTag.regionMatches(0, held.toString(), 0, common)) {
            state = reasoningFirst ? State.REASONING : State.CONTENT;
            return true;
        }
        if (held.length() < openTag.length()) {
            return false;
        }
        held.delete(0, openTag.length());
        state = State.REASONING;
        return true;
    }

    /** Releases the held text according to the state, keeping back a possible start of the closing tag. */
    private void drain(StringBuilder reasoning, StringBuilder content) {
        if (state == State.CONTENT) {
            content.append(held);
            held.setLength(0);
            return;
        }
        int end = held.indexOf(closeTag);
        if (end >= 0) {
            reasoning.append(held, 0, end);
            content.append(held, end + closeTag.length(), held.length());
            held.setLength(0);
            state = State.CONTENT;
            return;
        }
        int keep = partialTagLength(held, closeTag);
        reasoning.append(held, 0, held.length() - keep);
        held.delete(0, held.length() - keep);
    }

    /** The length of the longest end of {@code text} that is a proper start of {@code tag}. */
    static int partialTagLength(CharSequence text, String tag) {
        for (int n = Math.min(text.length(), tag.length() - 1); n > 0; n--) {
            boolean matches = true;
            for (int i = 0; i < n && matches; i++) {
                matches = text.charAt(text.length() - n + i) == tag.charAt(i);
            }
            if (matches) {
                return n;
            }
        }
        return 0;
    }
}
