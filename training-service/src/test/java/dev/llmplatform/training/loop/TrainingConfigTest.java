package dev.llmplatform.training.loop;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TrainingConfigTest {

    private final TrainingConfig config = TrainingConfig.defaults(200, 8, 32, 1e-3, 1);

    @Test
    void shouldWarmUpLinearlyToThePeak() {
        assertThat(config.warmupSteps()).isEqualTo(10);
        assertThat(config.learningRateAt(0)).isCloseTo(1e-4, within(1e-12));
        assertThat(config.learningRateAt(4)).isCloseTo(5e-4, within(1e-12));
        assertThat(config.learningRateAt(9)).isCloseTo(1e-3, within(1e-12));
    }

    @Test
    void shouldDecayByCosineToTheMinimumAtTheLastStep() {
        double halfway = config.learningRateAt(10 + (199 - 10) / 2);
        assertThat(halfway).isCloseTo((1e-3 + 1e-4) / 2, within(1e-5));
        assertThat(config.learningRateAt(199)).isCloseTo(1e-4, within(1e-12));
        for (int step = 10; step < 199; step++) {
            assertThat(config.learningRateAt(step + 1)).isLessThanOrEqualTo(config.learningRateAt(step));
        }
    }

    @Test
    void shouldRejectSettingsThatCannotTrain() {
        assertThatThrownBy(() -> TrainingConfig.defaults(0, 8, 32, 1e-3, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TrainingConfig.defaults(10, 8, 1, 1e-3, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TrainingConfig.defaults(10, 8, 32, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> config.withEvaluation(0, 4)).isInstanceOf(IllegalArgumentException.class);
    }
}
