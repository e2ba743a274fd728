package dev.llmplatform.model.safetensors;

import dev.llmplatform.contracts.Messages;
import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.model.llama.LlamaWeights;
import dev.llmplatform.model.llama.RandomLlama;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HuggingFaceExportTest {

    /** GQA (4 heads, 2 kv heads) and hidden != intermediate, so a swapped transpose changes a shape. */
    private static LlamaWeights weights(boolean tied) {
        return RandomLlama.create(ModelConfig.llama(2, 4, 2, 16, 24, 40, 64, 1, 2, tied), 3);
    }

    @ParameterizedTest(name = "tied = {0}")
    @ValueSource(booleans = {true, false})
    void shouldReadBackExactlyTheWeightsItWrote(boolean tied, @TempDir Path dir) throws IOException {
        LlamaWeights w = weights(tied);
        HuggingFaceExport.write(w, dir);
        LlamaWeights back = HuggingFaceExport.read(dir);

        // head_dim is written explicitly (transformers wants it), so it reads back as given rather than derived.
        assertThat(back.config()).usingRecursiveComparison().ignoringFields("headDimension").isEqualTo(w.config());
        assertThat(back.config().headDim()).isEqualTo(w.config().headDim());
        assertThat(back.embedding()).isEqualTo(w.embedding());
        assertThat(back.finalNorm()).isEqualTo(w.finalNorm());
        assertThat(back.lmHead()).isEqualTo(w.lmHead());
        for (int i = 0; i < 2; i++) {
            LlamaWeights.Layer a = w.layers().get(i);
            LlamaWeights.Layer b = back.layers().get(i);
            assertThat(b.inputNorm()).isEqualTo(a.inputNorm());
            assertThat(b.wq()).isEqualTo(a.wq());
            assertThat(b.wk()).isEqualTo(a.wk());
            assertThat(b.wv()).isEqualTo(a.wv());
            assertThat(b.wo()).isEqualTo(a.wo());
            assertThat(b.postAttentionNorm()).isEqualTo(a.postAttentionNorm());
            assertThat(b.wGate()).isEqualTo(a.wGate());
            assertThat(b.wUp()).isEqualTo(a.wUp());
            assertThat(b.wDown()).isEqualTo(a.wDown());
        }
    }

    @Test
    void shouldWriteHuggingFaceNamesShapesAndAlignedContiguousOffsets(@TempDir Path dir) throws IOException {
        LlamaWeights w = weights(false);
        HuggingFaceExport.write(w, dir);
        Path file = dir.resolve("model.safetensors");
        ByteBuffer prefix = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = prefix.getLong();

        assertThat(headerLength % 8).isZero();
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            assertThat(r.metadata()).containsEntry("format", "pt");
            assertThat(r.entries()).hasSize(1 + 2 * 9 + 2).containsKeys("model.embed_tokens.weight",
                    "model.layers.1.self_attn.k_proj.weight", "model.layers.0.mlp.down_proj.weight", "model.norm.weight",
                    "lm_head.weight");
            assertThat(r.entries().get("model.layers.0.self_attn.k_proj.weight").shape()).containsExactly(8, 16);
            assertThat(r.entries().get("model.layers.0.mlp.down_proj.weight").shape()).containsExactly(16, 24);
            assertThat(r.entries().get("lm_head.weight").shape()).containsExactly(40, 16);
            assertThat(r.entries().get("model.embed_tokens.weight").begin()).isZero();
            assertThat(r.entries().get("lm_head.weight").end()).isEqualTo(Files.size(file) - 8 - headerLength);
            // HF's [out, in]: element [o][i] of k_proj is our wk[i][o].
            float[] kProj = r.floats("model.layers.0.self_attn.k_proj.weight");
            assertThat(kProj[3 * 16 + 5]).isEqualTo(w.layers().getFirst().wk()[5 * 8 + 3]);
        }
        JsonNode config = Messages.mapper().readTree(dir.resolve("config.json").toFile());
        assertThat(config.get("architectures").get(0).asString()).isEqualTo("LlamaForCausalLM");
        assertThat(config.get("model_type").asString()).isEqualTo("llama");
        assertThat(config.get("hidden_act").asString()).isEqualTo("silu");
        assertThat(config.get("num_key_value_heads").asInt()).isEqualTo(2);
        assertThat(config.get("tie_word_embeddings").asBoolean()).isFalse();
    }

    @Test
    void shouldLeaveOutTheLmHeadWhenTied(@TempDir Path dir) throws IOException {
        HuggingFaceExport.write(weights(true), dir);
        try (SafetensorsReader r = SafetensorsReader.open(dir.resolve("model.safetensors"))) {
            assertThat(r.entries()).doesNotContainKey("lm_head.weight");
        }
    }

    @Test
    void shouldRejectAFileWhoseDataDoesNotMatchItsHeader(@TempDir Path dir) throws IOException {
        HuggingFaceExport.write(weights(true), dir);
        Path file = dir.resolve("model.safetensors");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() - 4);
        }
        assertThatThrownBy(() -> SafetensorsReader.open(file)).isInstanceOf(IOException.class)
                .hasMessageContaining("data section");
    }
}
