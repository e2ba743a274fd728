package dev.llmplatform.onnx;

import dev.llmplatform.model.llama.LlamaWeights;
import dev.llmplatform.onnx.WeightQuantization.Format;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OnnxWeightsTest {

    @ParameterizedTest(name = "tied = {0}")
    @ValueSource(booleans = {true, false})
    void shouldReadBackTheWeightsTheWriterWrote(boolean tied, @TempDir Path dir) throws IOException {
        LlamaWeights w = LlamaOnnxWriterTest.sharpWeights(tied, 3);
        Path file = dir.resolve("model.onnx");
        LlamaOnnxWriter.write(w, file, new LlamaOnnxWriter.Options(true));

        LlamaWeights back = OnnxWeights.read(file, w.config());

        assertThat(back.embedding()).isEqualTo(w.embedding());
        assertThat(back.finalNorm()).isEqualTo(w.finalNorm());
        assertThat(back.lmHead()).isEqualTo(w.lmHead());
        for (int i = 0; i < w.layers().size(); i++) {
            assertThat(back.layers().get(i)).usingRecursiveComparison().isEqualTo(w.layers().get(i));
        }
    }

    @Test
    void shouldRefuseAQuantizedGraph() {
        LlamaWeights w = LlamaOnnxWriterTest.sharpWeights(true, 3);
        var model = LlamaOnnxWriter.model(w, LlamaOnnxWriter.Options.quantized(WeightQuantization.of(Format.INT4)));

        assertThatThrownBy(() -> OnnxWeights.read(model, w.config()))
                .hasMessageContaining("q_proj.weight").hasMessageContaining("float32");
    }
}
