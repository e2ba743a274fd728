package dev.llmplatform.gateway.serving;

import java.util.List;

/** One prompt of a completion request: text, or token ids the client tokenized itself (exactly one is set). */
public record Prompt(String text, List<Integer> tokenIds) {

    public Prompt {
        if ((text == null) == (tokenIds == null)) {
            throw new IllegalArgumentException("a prompt is text or token ids");
        }
        tokenIds = tokenIds == null ? null : List.copyOf(tokenIds);
    }

    public static Prompt ofText(String text) {
        return new Prompt(text, null);
    }

    public static Prompt ofTokens(List<Integer> tokenIds) {
        return new Prompt(null, tokenIds);
    }
}
