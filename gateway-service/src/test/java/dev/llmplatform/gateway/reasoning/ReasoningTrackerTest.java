package dev.llmplatform.gateway.reasoning;

import dev.llmplatform.gateway.reasoning.ReasoningSplitter.Split;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Reasoning tokens counted by the closing tag's id however the tokens are batched, estimated without it. */
class ReasoningTrackerTest {

    private static final List<String> TOKENS = ReasoningSplitterTest.FIXTURE_TOKENS;
    /** Token i has id 100 + i; {@code </think>} is token 7. */
    private static final int END_ID = 100 + TOKENS.indexOf("</think>");

    @Test
    void shouldCountTheThinkBlocksTokensExactlyWhateverTheBatching() {
        for (int batch = 1; batch <= TOKENS.size(); batch++) {
            ReasoningTracker tracker = ReasoningTracker.of("qwen3", END_ID);
            for (int from = 0; from < TOKENS.size(); from += batch) {
                int to = Math.min(TOKENS.size(), from + batch);
                tracker.accept(String.join("", TOKENS.subList(from, to)), ids(from, to));
            }
            tracker.finish();

            assertThat(tracker.reasoningTokens()).as("batches of " + batch).isEqualTo(8);
            assertThat(tracker.reasoning()).isEqualTo(ReasoningSplitterTest.REASONING);
            assertThat(tracker.content()).isEqualTo(ReasoningSplitterTest.ANSWER);
        }
    }

    @Test
    void shouldEstimateFromCharactersWithoutTheClosingTokensId() {
        ReasoningTracker oneByOne = ReasoningTracker.of("qwen3", -1);
        for (int i = 0; i < TOKENS.size(); i++) {
            oneByOne.accept(TOKENS.get(i), ids(i, i + 1));
        }
        assertThat(oneByOne.reasoningTokens()).as("exact when the block ends between pieces").isEqualTo(8);

        ReasoningTracker whole = ReasoningTracker.of("qwen3", -1);
        whole.accept(String.join("", TOKENS), ids(0, TOKENS.size()));
        assertThat(whole.reasoningTokens()).isBetween(1, TOKENS.size());
    }

    @Test
    void shouldCountNothingWithoutReasoningAndEverythingWhileTheBlockIsOpen() {
        ReasoningTracker answerOnly = ReasoningTracker.of("qwen3", END_ID);
        Split split = answerOnly.accept("The answer is 4.", ids(0, 5));
        assertThat(split).isEqualTo(new Split("", "The answer is 4."));
        assertThat(answerOnly.reasoningTokens()).isZero();

        ReasoningTracker unclosed = ReasoningTracker.of("deepseek_r1", END_ID);
        unclosed.accept("Hmm, ", ids(0, 2));
        unclosed.accept("let me see", ids(2, 5));
        assertThat(unclosed.reasoningTokens()).isEqualTo(5);
        assertThat(unclosed.finish()).isEqualTo(Split.EMPTY);
        assertThat(unclosed.reasoning()).isEqualTo("Hmm, let me see");

        ReasoningTracker noParser = ReasoningTracker.of(null, -1);
        noParser.accept(String.join("", TOKENS), ids(0, TOKENS.size()));
        assertThat(noParser.reasoningTokens()).isZero();
        assertThat(noParser.content()).isEqualTo(ReasoningSplitterTest.FIXTURE);
    }

    private static List<Integer> ids(int from, int to) {
        return IntStream.range(from, to).map(i -> 100 + i).boxed().toList();
    }
}
