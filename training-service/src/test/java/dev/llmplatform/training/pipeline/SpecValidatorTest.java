package dev.llmplatform.training.pipeline;

import dev.llmplatform.contracts.TrainingSpec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpecValidatorTest {

    @Test
    void shouldAcceptASensibleSpec() {
        assertThatCode(() -> SpecValidator.validate(PipelineTestSpecs.tiny("tiny", 20, 8))).doesNotThrowAnyException();
    }

    @Test
    void shouldNameEveryProblemOfABadSpec() {
        TrainingSpec bad = new TrainingSpec("../escape", new TrainingSpec.Dataset("s3", null, null, null),
                new TrainingSpec.TokenizerSpec(100, "other"), new TrainingSpec.Architecture(1, 30, 4, 3, 1, null),
                0, 0, -1, 1, -1, 0);

        assertThatThrownBy(() -> SpecValidator.validate(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model must be")
                .hasMessageContaining("dataset.type")
                .hasMessageContaining("exactly one of vocabSize")
                .hasMessageContaining("architecture.context")
                .hasMessageContaining("steps")
                .hasMessageContaining("batchSize")
                .hasMessageContaining("learningRate")
                .hasMessageContaining("checkpointEvery");
    }

    @Test
    void shouldRejectAnOddHeadDimensionAndKvHeadsThatDoNotDivideHeads() {
        TrainingSpec spec = new TrainingSpec("m", new TrainingSpec.Dataset("files", "set", null, null),
                new TrainingSpec.TokenizerSpec(300, null), new TrainingSpec.Architecture(1, 30, 2, 0, 32, null),
                10, 2, 1e-3, 1, 0, 0);
        TrainingSpec kv = new TrainingSpec("m", new TrainingSpec.Dataset("files", "set", null, null),
                new TrainingSpec.TokenizerSpec(300, null), new TrainingSpec.Architecture(1, 32, 4, 3, 32, null),
                10, 2, 1e-3, 1, 0, 0);

        assertThatThrownBy(() -> SpecValidator.validate(spec)).hasMessageContaining("even head dimension");
        assertThatThrownBy(() -> SpecValidator.validate(kv)).hasMessageContaining("kvHeads");
    }
}
