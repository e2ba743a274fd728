package dev.llmplatform.inference.analysis;

import dev.llmplatform.inference.engine.onnx.DecoderOptions;
import dev.llmplatform.inference.testing.TinyLlama;
import dev.llmplatform.model.ModelPackage;
import dev.llmplatform.model.ModelStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Decoder attention maps: causal, so every weight right of the query is exactly zero. */
class DecoderAttentionTest {

    /** The trained starter model shipped with the project (its graph has attentions.* outputs). */
    static final Path STARTER = Path.of("../models/starter/1");

    @Test
    void shouldGiveTheStarterDecodersCausalRowsThatSumToOne() {
        assumeTrue(Files.isRegularFile(STARTER.resolve(ModelPackage.MODEL)), "the shipped starter model is not here");
        ModelPackage starter = new ModelStore(STARTER.getParent().getParent()).open("starter", "1").orElseThrow();
        int[] ids = {5, 17, 42, 9, 100, 3, 77, 8};
        try (DecoderAttention decoder = DecoderAttention.open(starter.modelFile(), starter.decoderConfig(),
                DecoderOptions.cpu(1))) {
            assertThat(decoder.hasAttentionOutputs()).isTrue();
            float[][][][] weights = decoder.attention(ids);

            assertThat(weights).hasNumberOfRows(starter.decoderConfig().layers());
            for (float[][][] layer : weights) {
                assertThat(layer).hasNumberOfRows(starter.decoderConfig().heads());
                for (float[][] head : layer) {
                    for (int q = 0; q < ids.length; q++) {
                        double sum = 0;
                        for (int k = 0; k < ids.length; k++) {
                            if (k > q) {
                                assertThat(head[q][k]).as("key %d right of query %d", k, q).isZero();
                            }
                            sum += head[q][k];
                        }
                        assertThat(sum).isCloseTo(1.0, within(ids.length * 5e-5 + 1e-5));
                    }
                    assertThat(head[0][0]).as("the first token can only see itself").isEqualTo(1f);
                }
            }
        }
    }

    @Test
    void shouldSayWhenADecoderGraphHasNoAttentionOutputs(@TempDir Path dir) throws Exception {
        Path model = Files.write(dir.resolve("model.onnx"), TinyLlama.onnx());
        try (DecoderAttention decoder = DecoderAttention.open(model, TinyLlama.CONFIG, DecoderOptions.cpu(1))) {
            assertThat(decoder.hasAttentionOutputs()).isFalse();
        }
    }
}
