package dev.llmplatform.training.loop;

import dev.llmplatform.contracts.TrainingSpec;
import dev.llmplatform.model.ModelConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrainingPlanTest {

    @Test
    void shouldBuildThePlanOfAJobSpec() {
        TrainingSpec spec = new TrainingSpec("tiny", new TrainingSpec.Dataset("synthetic", null, 1L, 100),
                new TrainingSpec.TokenizerSpec(512, null), new TrainingSpec.Architecture(4, 128, 4, 0, 128, null),
                300, 16, 3e-3, 42, 50, 25);

        TrainingPlan plan = TrainingPlan.fromSpec(spec, 512, 1, 2);

        ModelConfig model = plan.model();
        assertThat(model.layers()).isEqualTo(4);
        assertThat(model.kvHeads()).isEqualTo(4);
        assertThat(model.intermediate()).isEqualTo(352);
        assertThat(model.vocabSize()).isEqualTo(512);
        assertThat(model.contextLength()).isEqualTo(128);
        assertThat(model.eosTokenId()).isEqualTo(2);
        assertThat(model.tieWordEmbeddings()).isTrue();
        TrainingConfig training = plan.training();
        assertThat(training.steps()).isEqualTo(300);
        assertThat(training.batchSize()).isEqualTo(16);
        assertThat(training.seed()).isEqualTo(42);
        assertThat(training.checkpointEvery()).isEqualTo(50);
        assertThat(training.evalEvery()).isEqualTo(25);
    }

    @Test
    void shouldRejectAContextLongerThanTheModels() {
        ModelConfig model = ModelConfig.llama(1, 2, 2, 16, 32, 10, 16, 0, 0, true);

        assertThatThrownBy(() -> new TrainingPlan(model, TrainingConfig.defaults(10, 2, 32, 1e-3, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("context");
    }
}
