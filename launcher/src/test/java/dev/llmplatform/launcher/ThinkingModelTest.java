package dev.llmplatform.launcher;

import dev.llmplatform.contracts.ChatMessage;
import dev.llmplatform.model.llama.LlamaReference;
import dev.llmplatform.tokenizer.bpe.SpecialTokens;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The thinking fixture, run by the plain-Java reference forward pass: a think block, then the answer. */
class ThinkingModelTest {

    private static final ThinkingModel.Built MODEL = ThinkingModel.build();
    private static final List<ChatMessage> QUESTION = List.of(new ChatMessage("user", "How much is two and two?"));

    @Test
    void shouldThinkThenAnswerGreedily() {
        assertThat(greedy(ThinkingModel.render(QUESTION, null))).isEqualTo(ThinkingModel.OUTPUT);
    }

    @Test
    void shouldAnswerStraightAwayWhenTheTemplateClosedTheThinkBlock() {
        String prompt = ThinkingModel.render(QUESTION, Map.of("enable_thinking", false));

        assertThat(prompt).endsWith("<|im_start|>assistant\n<think>\n\n</think>\n\n");
        assertThat(greedy(prompt)).isEqualTo(ThinkingModel.ANSWER);
    }

    @Test
    void shouldKeepTheThinkTagsAsSingleNonSpecialTokens() {
        int[] tags = MODEL.tokenizer().encode("<think></think>");

        assertThat(tags).hasSize(2);
        assertThat(MODEL.tokenizer().decode(tags, true)).isEqualTo("<think></think>");
    }

    /** Greedy decoding to {@code <|im_end|>} (at most 40 tokens), decoded without special tokens. */
    private static String greedy(String prompt) {
        int[] tokens = MODEL.tokenizer().encode(prompt);
        int promptLength = tokens.length;
        for (int step = 0; step < 40; step++) {
            float[][] logits = LlamaReference.logits(MODEL.weights(), tokens);
            float[] last = logits[logits.length - 1];
            int best = 0;
            for (int j = 1; j < last.length; j++) {
                if (last[j] > last[best]) {
                    best = j;
                }
            }
            if (best == SpecialTokens.IM_END_ID) {
                break;
            }
            tokens = Arrays.copyOf(tokens, tokens.length + 1);
            tokens[tokens.length - 1] = best;
        }
        return MODEL.tokenizer().decode(Arrays.copyOfRange(tokens, promptLength, tokens.length), true);
    }
}
