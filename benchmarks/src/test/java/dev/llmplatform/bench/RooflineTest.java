package dev.llmplatform.bench;

import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.onnx.WeightQuantization;
import dev.llmplatform.onnx.WeightQuantization.Format;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RooflineTest {

    private static final ModelConfig GPT2 = BenchModels.gpt2Small(2048);

    @Test
    void shouldCountEveryFloat32WeightButTheEmbeddingGatherOnce() {
        Roofline r = Roofline.of(GPT2, WeightQuantization.NONE);

        // Tied: the LM head is the embedding, read once per step; the gather itself reads one row.
        assertThat(r.weightBytesPerStep()).isEqualTo(4 * GPT2.parameterCount());
        assertThat(GPT2.parameterCount()).isBetween(123_000_000L, 125_000_000L);
        assertThat(r.kvBytesPerPosition()).isEqualTo(2L * 12 * 768 * 4);
    }

    @Test
    void shouldCountPackedCodesAndOneScalePerBlockForQuantizedWeights() {
        long fp32Linear = 4L * (GPT2.parameterCount() - (2L * 12 + 1) * 768);
        Roofline int4 = Roofline.of(GPT2, WeightQuantization.of(Format.INT4));
        Roofline int8 = Roofline.of(GPT2, WeightQuantization.of(Format.INT8));
        long norms = 4L * (2 * 12 + 1) * 768;

        // 4 bits + a 32-bit scale per 128 weights (the default block) = 4.25 bits per weight; 8 bits + scale = 8.25.
        assertThat((double) (int4.weightBytesPerStep() - norms)).isCloseTo(fp32Linear * 4.25 / 32, within(1.0));
        assertThat((double) (int8.weightBytesPerStep() - norms)).isCloseTo(fp32Linear * 8.25 / 32, within(1.0));
        assertThat(Roofline.matrix(64, 10, WeightQuantization.of(Format.INT4).withBlockSize(32).withSymmetric(false)))
                .as("asymmetric adds one 4-bit zero point per block").isEqualTo(10 * 2 * (16 + 4) + 10);
    }

    @Test
    void shouldShareWeightsAcrossTheBatchButNotTheKvCache() {
        Roofline r = new Roofline(1_000_000, 100);

        assertThat(r.bytesPerToken(1, 10)).isEqualTo(1_000_000 + 1_000);
        assertThat(r.bytesPerToken(4, 10)).isEqualTo(250_000 + 1_000);
        assertThat(r.tokensPerSecond(1, 4, 10)).isCloseTo(1e9 / 251_000, within(1e-6));
    }
}
