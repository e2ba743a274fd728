package dev.llmplatform.gateway.reasoning;

import dev.llmplatform.gateway.reasoning.ReasoningSplitter.Split;

import java.util.List;

/**
 * One choice's output as its pieces arrive: the split of each piece, everything released so far, and how many of
 * its tokens went to reasoning (for {@code usage.completion_tokens_details.reasoning_tokens}). One per choice; not
 * thread-safe.
 *
 * <p>Reasoning tokens are the tokens of the think block, its tags included (what the model spent before the answer),
 * and 0 when the block holds no text. They are counted exactly by token id when the model's closing tag is one
 * token ({@code </think>} is an added token of Qwen3's and DeepSeek-R1's tokenizers): the tokens up to and including
 * it. Without that id only pieces of text and their token counts are known, and a piece holding both the end of the
 * block and the start of the answer has its tokens shared in proportion to its characters (an estimate).
 */
public final class ReasoningTracker {

    private final ReasoningSplitter splitter;
    private final int endTokenId;
    private final StringBuilder reasoning = new StringBuilder();
    private final StringBuilder content = new StringBuilder();
    private int tokens;
    private int closedAt = -1;
    private int estimated;

    /** @param endTokenId the id of the token that closes the think block, or -1 when unknown */
    public ReasoningTracker(ReasoningSplitter splitter, int endTokenId) {
        this.splitter = splitter;
        this.endTokenId = endTokenId;
    }

    /** The tracker for a model's parser name (null: no reasoning, all content) and closing token id (-1: unknown). */
    public static ReasoningTracker of(String parserName, int endTokenId) {
        return new ReasoningTracker(ReasoningParsers.create(parserName, false), endTokenId);
    }

    /** Splits the next piece of text, made by the tokens {@code tokenIds}. */
    public Split accept(String text, List<Integer> tokenIds) {
        for (int id : tokenIds) {
            tokens++;
            if (closedAt < 0 && id == endTokenId) {
                closedAt = tokens;
            }
        }
        boolean wasAnswering = splitter.answering();
        Split split = splitter.accept(text);
        if (!wasAnswering) {
            if (!splitter.answering()) {
                estimated += tokenIds.size();
            } else if (!text.isEmpty()) {
                int blockChars = Math.clamp(text.length() - split.content().length(), 0, text.length());
                estimated += Math.round((float) tokenIds.size() * blockChars / text.length());
            }
        }
        return record(split);
    }

    /** The end of the choice: what was held back. */
    public Split finish() {
        return record(splitter.finish());
    }

    public String reasoning() {
        return reasoning.toString();
    }

    public String content() {
        return content.toString();
    }

    /** Tokens spent in the think block so far; 0 while (and if) it holds no text. */
    public int reasoningTokens() {
        if (reasoning.isEmpty()) {
            return 0;
        }
        if (closedAt >= 0) {
            return closedAt;
        }
        return splitter.answering() ? estimated : tokens;
    }

    private Split record(Split split) {
        reasoning.append(split.reasoning());
        content.append(split.content());
        return split;
    }
}
