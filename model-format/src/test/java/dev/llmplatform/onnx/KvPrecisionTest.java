package dev.llmplatform.onnx;

import dev.llmplatform.model.ModelSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The KV precision setting: what it accepts, what it refuses and why, and where it is recorded. */
class KvPrecisionTest {

    @TempDir
    Path dir;

    @Test
    void shouldReadFp32AndFp16AndRefuseInt8ByName() {
        assertThat(KvPrecision.parse("fp16")).isEqualTo(KvPrecision.FP16);
        assertThat(KvPrecision.parse("FP32")).isEqualTo(KvPrecision.FP32);
        assertThat(KvPrecision.FP16.bytes()).isEqualTo(2);
        assertThatThrownBy(() -> KvPrecision.parse("int8")).hasMessageContaining("GroupQueryAttention");
        assertThatThrownBy(() -> KvPrecision.parse("bf16")).hasMessageContaining("not one of fp32, fp16");
    }

    @Test
    void shouldTakeKvPrecisionFromTheFolderSettingsWithFp32AsTheDefault() throws IOException {
        assertThat(ModelSettings.read(dir).kvPrecisionOrDefault()).isEqualTo("fp32");
        Files.writeString(dir.resolve("llm-platform.json"), "{\"kv_precision\": \"fp16\"}");
        assertThat(ModelSettings.read(dir).kvPrecisionOrDefault()).isEqualTo("fp16");
        Files.writeString(dir.resolve("llm-platform.json"), "{\"kv_precision\": \"fp16\", \"graph_form\": \"plain\"}");
        assertThatThrownBy(() -> ModelSettings.read(dir)).hasMessageContaining("needs the fused graph form");
        Files.writeString(dir.resolve("llm-platform.json"), "{\"kv_precision\": \"int8\"}");
        assertThatThrownBy(() -> ModelSettings.read(dir)).hasMessageContaining("'int8' is not supported");
    }

    @Test
    void shouldRecordTheFusedFormsPrecisionInTheGraphAndKeepThePlainFormFloat32() {
        var fused = LlamaOnnxWriter.Options.DEFAULT.withForm(GraphForm.FUSED).withKv(KvPrecision.FP16);
        var spec = FusedDecoderGraphTest.Family.LLAMA_GQA.spec();
        var model = LlamaOnnxWriter.model(spec, FusedDecoderGraphTest.randomTensors(1), fused, null);
        assertThat(model.getMetadataPropsList()).anyMatch(p -> p.getKey().equals("kv_precision") && p.getValue().equals("fp16"));
        assertThat(model.getGraph().getInputList()).filteredOn(i -> i.getName().startsWith("past_key_values"))
                .allMatch(i -> i.getType().getTensorType().getElemType() == KvPrecision.FP16.onnxType().getNumber());
        assertThatThrownBy(() -> LlamaOnnxWriter.Options.DEFAULT.withKv(KvPrecision.FP16))
                .hasMessageContaining("plain graph form keeps a float32 KV cache");
    }
}
