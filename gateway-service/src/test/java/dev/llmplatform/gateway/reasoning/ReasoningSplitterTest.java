package dev.llmplatform.gateway.reasoning;

import dev.llmplatform.gateway.reasoning.ReasoningSplitter.Split;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The think-tag split, fed whole, token by token and cut at every character boundary. */
class ReasoningSplitterTest {

    /** The reasoning fixture model's greedy output, as its tokenizer cuts it (the tags are single added tokens). */
    static final List<String> FIXTURE_TOKENS = List.of(
            "<think>", "Two", " and", " two", " make", " four", ".", "</think>", "The", " answer", " is", " 4", ".");
    static final String FIXTURE = String.join("", FIXTURE_TOKENS);
    static final String REASONING = "Two and two make four.";
    static final String ANSWER = "The answer is 4.";

    @Test
    void shouldSplitTheFixtureOutputFedAtEveryTokenBoundary() {
        for (String parser : ReasoningParsers.names()) {
            assertThat(run(ReasoningParsers.create(parser, false), FIXTURE_TOKENS))
                    .as(parser).isEqualTo(new Split(REASONING, ANSWER));
        }
    }

    @Test
    void shouldSplitTheSameWhereverTwoCutsFallEvenInsideBothTags() {
        for (String parser : ReasoningParsers.names()) {
            for (int i = 0; i <= FIXTURE.length(); i++) {
                for (int j = i; j <= FIXTURE.length(); j++) {
                    List<String> deltas = List.of(FIXTURE.substring(0, i), FIXTURE.substring(i, j), FIXTURE.substring(j));
                    assertThat(run(ReasoningParsers.create(parser, false), deltas))
                            .as(parser + " cut at " + i + ", " + j).isEqualTo(new Split(REASONING, ANSWER));
                }
            }
        }
    }

    @Test
    void shouldSplitTheSameFedOneCharacterAtATime() {
        assertThat(run(ReasoningParsers.create("qwen3", false), characters(FIXTURE)))
                .isEqualTo(new Split(REASONING, ANSWER));
    }

    @Test
    void shouldReleaseReasoningAsItStreamsHoldingBackOnlyAPossibleTagStart() {
        ReasoningSplitter splitter = ReasoningParsers.create("qwen3", false);

        assertThat(splitter.accept("<thi")).isEqualTo(Split.EMPTY);
        assertThat(splitter.accept("nk>Two <")).isEqualTo(new Split("Two ", ""));
        assertThat(splitter.accept("b> </th")).isEqualTo(new Split("<b> ", ""));
        assertThat(splitter.accept("ink>\n\nThe")).isEqualTo(new Split("", "\n\nThe"));
        assertThat(splitter.accept(" <think>")).isEqualTo(new Split("", " <think>"));
        assertThat(splitter.finish()).isEqualTo(Split.EMPTY);
    }

    @Test
    void shouldReadTheOutputAsInsideTheBlockWhenTheTemplateOpenedItWhereverTheCutFalls() {
        String afterOpening = FIXTURE.substring("<think>".length());
        for (int cut = 0; cut <= afterOpening.length(); cut++) {
            List<String> deltas = List.of(afterOpening.substring(0, cut), afterOpening.substring(cut));
            assertThat(run(ReasoningParsers.create("qwen3", true), deltas)).as("cut at " + cut)
                    .isEqualTo(new Split(REASONING, ANSWER));
            assertThat(run(ReasoningParsers.create("deepseek_r1", false), deltas)).as("R1 always starts inside")
                    .isEqualTo(new Split(REASONING, ANSWER));
        }
        assertThat(run(ReasoningParsers.create("deepseek_r1", true), List.of("<think>\nHm.</think>Yes")))
                .as("an opening tag written anyway is dropped").isEqualTo(new Split("\nHm.", "Yes"));
    }

    @Test
    void shouldGiveAllContentWhenQwen3ThinkingIsDisabledOrThereIsNoParser() {
        List<String> answerOnly = List.of("The", " answer", " is", " 4", ".", " </think> stays");
        assertThat(run(ReasoningParsers.create("qwen3", false), answerOnly))
                .isEqualTo(new Split("", "The answer is 4. </think> stays"));
        assertThat(run(ReasoningParsers.create(null, false), FIXTURE_TOKENS)).isEqualTo(new Split("", FIXTURE));
        assertThat(run(ReasoningParsers.create("", true), FIXTURE_TOKENS)).isEqualTo(new Split("", FIXTURE));
        assertThat(run(ReasoningParsers.create("qwen3", false), List.of("<", "b>bold"))).isEqualTo(new Split("", "<b>bold"));
        assertThat(run(ReasoningParsers.create("qwen3", false), List.of("<thi"))).isEqualTo(new Split("", "<thi"));
    }

    @Test
    void shouldTreatAnUnclosedThinkBlockAsAllReasoning() {
        for (int cut = 0; cut <= 12; cut++) {
            String text = "<think>Still thinking </thi";
            List<String> deltas = List.of(text.substring(0, cut), text.substring(cut));
            assertThat(run(ReasoningParsers.create("qwen3", false), deltas)).isEqualTo(new Split("Still thinking </thi", ""));
        }
        assertThat(run(ReasoningParsers.create("deepseek_r1", false), List.of("Hmm, ", "let me see")))
                .isEqualTo(new Split("Hmm, let me see", ""));
    }

    @Test
    void shouldEndTheReasoningWhereAStopStringCutTheOutput() {
        // the tokenizer-service cuts the text at a stop string ("make") wherever it falls, so the stream just ends
        String cutAtStop = FIXTURE.substring(0, FIXTURE.indexOf(" make"));
        assertThat(run(ReasoningParsers.create("qwen3", false), FIXTURE_TOKENS.subList(0, 4)))
                .isEqualTo(new Split("Two and two", ""));
        assertThat(run(ReasoningParsers.create("qwen3", false), characters(cutAtStop))).isEqualTo(new Split("Two and two", ""));
    }

    @Test
    void shouldRejectAnUnknownParserName() {
        assertThatThrownBy(() -> ReasoningParsers.create("granite9", false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("granite9");
        assertThat(ReasoningParsers.isKnown("Qwen3")).isTrue();
        assertThat(ReasoningParsers.isKnown("granite9")).isFalse();
    }

    private static Split run(ReasoningSplitter splitter, List<String> deltas) {
        StringBuilder reasoning = new StringBuilder();
        StringBuilder content = new StringBuilder();
        for (String delta : deltas) {
            Split split = splitter.accept(delta);
            reasoning.append(split.reasoning());
            content.append(split.content());
        }
        Split last = splitter.finish();
        return new Split(reasoning.append(last.reasoning()).toString(), content.append(last.content()).toString());
    }

    private static List<String> characters(String text) {
        List<String> out = new ArrayList<>();
        text.codePoints().forEach(c -> out.add(Character.toString(c)));
        return out;
    }
}
