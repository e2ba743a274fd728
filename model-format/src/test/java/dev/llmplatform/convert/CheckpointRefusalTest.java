package dev.llmplatform.convert;

import dev.llmplatform.contracts.Messages;
import dev.llmplatform.model.safetensors.Dtype;
import dev.llmplatform.model.safetensors.HuggingFaceExport;
import dev.llmplatform.model.safetensors.SafetensorsReader;
import dev.llmplatform.model.safetensors.SafetensorsWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.core.type.TypeReference;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every refusal is a {@link CheckpointException} whose message names the file or field and the problem. */
class CheckpointRefusalTest {

    @TempDir
    Path dir;

    private Path checkpoint(boolean tied, Consumer<Map<String, Object>> configEdit) throws Exception {
        Path checkpoint = dir.resolve("checkpoint");
        HuggingFaceExport.write(CheckpointConverterTest.sharpWeights(tied, 3), checkpoint, Dtype.BF16, 1);
        Path config = checkpoint.resolve("config.json");
        Map<String, Object> json = new LinkedHashMap<>(Messages.mapper().readValue(Files.readString(config),
                new TypeReference<Map<String, Object>>() {
                }));
        configEdit.accept(json);
        Files.writeString(config, Messages.mapper().writeValueAsString(json));
        return checkpoint;
    }

    private Throwable convert(Path checkpoint) {
        return org.assertj.core.api.Assertions.catchThrowable(() -> new CheckpointConverter()
                .convert(checkpoint, dir.resolve("out"), WeightFormat.FP32, ConversionProgress.NONE));
    }

    @Test
    void shouldRefuseAnUnknownArchitectureNamingTheField() throws Exception {
        Path checkpoint = checkpoint(false, c -> c.put("architectures", List.of("PhiForCausalLM")));

        assertThat(convert(checkpoint)).isInstanceOf(CheckpointException.class)
                .hasMessageStartingWith("config.json: architectures 'PhiForCausalLM' is not supported (supported: "
                        + "LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM, Qwen3ForCausalLM, GPT2LMHeadModel)");
    }

    @Test
    void shouldRefuseAnUnknownModelType() throws Exception {
        Path checkpoint = checkpoint(false, c -> {
            c.remove("architectures");
            c.put("model_type", "gemma2");
        });

        assertThat(convert(checkpoint)).isInstanceOf(CheckpointException.class)
                .hasMessageStartingWith("config.json: model_type 'gemma2' is not supported");
    }

    @Test
    void shouldRefuseAnUnknownRopeScalingType() throws Exception {
        Path checkpoint = checkpoint(false, c -> c.put("rope_scaling", Map.of("rope_type", "yarn", "factor", 4.0)));

        assertThat(convert(checkpoint)).isInstanceOf(CheckpointException.class)
                .hasMessage("config.json: rope_scaling.rope_type 'yarn' is not supported (supported: llama3, linear, default)");
    }

    @Test
    void shouldRefuseAnUnsupportedActivation() throws Exception {
        Path checkpoint = checkpoint(false, c -> c.put("hidden_act", "gelu"));

        assertThat(convert(checkpoint)).isInstanceOf(CheckpointException.class)
                .hasMessage("config.json: hidden_act 'gelu' is not supported (supported: silu)");
    }

    @Test
    void shouldRefuseAnOddHeadDimension() throws Exception {
        Path checkpoint = checkpoint(false, c -> c.put("head_dim", 7));

        assertThat(convert(checkpoint)).isInstanceOf(CheckpointException.class)
                .hasMessage(checkpoint.resolve("config.json") + ": rotary embeddings need an even head dimension, got 7");
    }

    @Test
    void shouldRefuseATruncatedFileNamingFileAndTensor() throws Exception {
        Path checkpoint = checkpoint(false, c -> {
        });
        Path file = checkpoint.resolve("model.safetensors");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() - 10);
        }

        assertThat(convert(checkpoint)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("tensor lm_head.weight")
                .hasMessageContaining("truncated");
    }

    @Test
    void shouldRefuseAHeaderThatDoesNotFit() throws Exception {
        Path checkpoint = checkpoint(false, c -> {
        });
        Path file = checkpoint.resolve("model.safetensors");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 40), 0);
        }

        assertThat(convert(checkpoint)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("header length 1099511627776 does not fit");
    }

    @Test
    void shouldRefuseAShapeThatDisagreesWithConfigSayingExpectedAndActual() throws Exception {
        Path checkpoint = checkpoint(false, c -> c.put("intermediate_size", 48));

        assertThat(convert(checkpoint)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(checkpoint.resolve("model.safetensors").toString())
                .hasMessageContaining("tensor model.layers.0.mlp.gate_proj.weight has shape [64, 32] but config.json implies [48, 32]")
                .hasMessageContaining("intermediate_size 48");
    }

    @Test
    void shouldRefuseAMissingTensor() throws Exception {
        // Written tied (no lm_head.weight), but config.json says the head is separate.
        Path checkpoint = checkpoint(true, c -> c.put("tie_word_embeddings", false));

        assertThat(convert(checkpoint)).isInstanceOf(CheckpointException.class)
                .hasMessage(checkpoint.resolve("model.safetensors") + ": tensor lm_head.weight is missing "
                        + "(the LlamaForCausalLM mapping needs it)");
    }

    @Test
    void shouldRefuseWeightsTheMappingWouldDrop() throws Exception {
        // q_proj biases in the checkpoint (a Qwen2-style variant) while config.json says a plain Llama.
        Path checkpoint = checkpoint(false, c -> {
        });
        Map<String, String> weightMap = new LinkedHashMap<>();
        try (SafetensorsReader r = SafetensorsReader.open(checkpoint.resolve("model.safetensors"))) {
            r.entries().keySet().forEach(name -> weightMap.put(name, "model.safetensors"));
        }
        SafetensorsWriter.write(checkpoint.resolve("extra.safetensors"), List.of(SafetensorsWriter.tensor(
                "model.layers.0.self_attn.q_proj.bias", new float[32], 32)), Map.of());
        weightMap.put("model.layers.0.self_attn.q_proj.bias", "extra.safetensors");
        Files.writeString(checkpoint.resolve("model.safetensors.index.json"),
                Messages.mapper().writeValueAsString(Map.of("weight_map", weightMap)));

        assertThat(convert(checkpoint)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("model.safetensors.index.json: 1 tensor(s) not used by the LlamaForCausalLM mapping")
                .hasMessageContaining("model.layers.0.self_attn.q_proj.bias");
    }

    @Test
    void shouldIgnoreASavedHeadWhenConfigTiesIt() throws Exception {
        // transformers ties the head to the embedding whatever the file holds; so do we.
        Path checkpoint = checkpoint(false, c -> c.put("tie_word_embeddings", true));

        assertThat(convert(checkpoint)).isNull();
    }

    @Test
    void shouldRefuseAFolderWithoutConfig() throws Exception {
        Files.createDirectories(dir.resolve("empty"));

        assertThatThrownBy(() -> new CheckpointConverter().convert(dir.resolve("empty"), dir.resolve("out"),
                WeightFormat.FP32, ConversionProgress.NONE)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("config.json: not found");
    }
}
