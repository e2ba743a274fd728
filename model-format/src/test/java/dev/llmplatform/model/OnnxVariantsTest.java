package dev.llmplatform.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which of an export's graphs serves: the documented default, or the user's choice kept inside the folder. */
class OnnxVariantsTest {

    @TempDir
    Path dir;

    private void files(String... names) throws IOException {
        Files.writeString(dir.resolve(ModelPackage.CONFIG), "{}");
        for (String name : names) {
            Path file = dir.resolve(name);
            Files.createDirectories(file.getParent());
            Files.writeString(file, "x");
        }
    }

    private ModelLayout layout() {
        return ModelLayout.detect(dir).orElseThrow();
    }

    @Test
    void shouldPreferFullPrecisionThenEightBitThenFourBitThenFloat16() throws IOException {
        files("onnx/model_fp16.onnx", "onnx/model_q4.onnx", "onnx/model_q4f16.onnx", "onnx/model_quantized.onnx",
                "onnx/model_int8.onnx", "onnx/model_uint8.onnx", "onnx/model_bnb4.onnx", "onnx/model.onnx",
                "onnx/model.onnx_data");

        assertThat(OnnxVariants.list(dir)).containsExactly("onnx/model.onnx", "onnx/model_int8.onnx",
                "onnx/model_quantized.onnx", "onnx/model_uint8.onnx", "onnx/model_bnb4.onnx", "onnx/model_q4.onnx",
                "onnx/model_fp16.onnx", "onnx/model_q4f16.onnx");
        assertThat(layout().format()).isEqualTo(SourceFormat.ONNX);
        assertThat(layout().servedGraph()).contains(dir.resolve("onnx/model.onnx"));
    }

    @Test
    void shouldTakeAQuantizedVariantWhenThereIsNoFullPrecisionOneAndTheTopLevelFirst() throws IOException {
        files("onnx/model_fp16.onnx", "onnx/model_q4.onnx", "model_q4.onnx");

        assertThat(layout().servedGraph()).contains(dir.resolve("model_q4.onnx"));
    }

    @Test
    void shouldServeTheVariantTheUserChoseInLlmPlatformJson() throws IOException {
        files("onnx/model.onnx", "onnx/model_q4.onnx");
        Files.writeString(dir.resolve(ModelLayout.SETTINGS), "{\"onnx_file\": \"onnx/model_q4.onnx\"}");

        assertThat(layout().servedGraph()).contains(dir.resolve("onnx/model_q4.onnx"));
    }

    @Test
    void shouldRefuseAChoiceThatEscapesTheFolderOrDoesNotExist(@TempDir Path outside) throws IOException {
        files("onnx/model.onnx");
        Files.writeString(outside.resolve("model.onnx"), "x");
        for (String choice : new String[]{"../" + dir.relativize(outside.resolve("model.onnx")),
                outside.resolve("model.onnx").toString(), "onnx/../../model.onnx", "onnx/missing.onnx",
                "config.json", ".llm-platform/fp32/model.onnx"}) {
            Files.writeString(dir.resolve(ModelLayout.SETTINGS), "{\"onnx_file\": \"" + choice + "\"}");
            assertThatThrownBy(() -> layout().servedGraph()).as(choice)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("onnx_file");
        }
    }

    @Test
    void shouldRefuseAnUnknownWeightFormat() throws IOException {
        files("model.safetensors");
        Files.writeString(dir.resolve(ModelLayout.SETTINGS), "{\"weights\": \"int3\"}");

        assertThatThrownBy(() -> layout().servedGraph()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("int3");
    }
}
