package dev.llmplatform.training.corpus;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class UnigramBaselineTest {

    @Test
    void shouldGiveLogVocabularyForUniformCounts() {
        double loss = UnigramBaseline.crossEntropy(new int[] {0, 1, 2, 3}, new int[] {3, 2, 1, 0, 0}, 4);

        assertThat(loss).isCloseTo(Math.log(4), within(1e-12));
    }

    @Test
    void shouldSmoothUnseenTokensWithAddOne() {
        // counts {0: 3, 1: 1, 2: 0} + 1 over 4 + 3 = 7: p = 4/7, 2/7, 1/7
        double loss = UnigramBaseline.crossEntropy(new int[] {0, 0, 0, 1}, new int[] {0, 2}, 3);

        assertThat(loss).isCloseTo(-(Math.log(4.0 / 7) + Math.log(1.0 / 7)) / 2, within(1e-12));
    }

    @Test
    void shouldRejectTokensOutsideTheVocabulary() {
        assertThatThrownBy(() -> UnigramBaseline.crossEntropy(new int[] {0}, new int[] {5}, 3))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
