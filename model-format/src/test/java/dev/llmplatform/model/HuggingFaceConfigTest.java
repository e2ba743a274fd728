package dev.llmplatform.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** config.json, generation_config.json and tokenizer_config.json as Hugging Face writes them, read together. */
class HuggingFaceConfigTest {

    @TempDir
    Path dir;

    private ModelPackage pkg(String config, String generation, String tokenizerConfig) throws IOException {
        Files.writeString(dir.resolve(ModelPackage.CONFIG), config);
        if (generation != null) {
            Files.writeString(dir.resolve(ModelPackage.GENERATION_CONFIG), generation);
        }
        if (tokenizerConfig != null) {
            Files.writeString(dir.resolve(ModelPackage.TOKENIZER_CONFIG), tokenizerConfig);
        }
        Files.writeString(dir.resolve("model.onnx"), "x");
        return ModelPackage.open("m", "1", dir);
    }

    private static String config(String bos, String eos, int positions) {
        return """
                {"architectures":["LlamaForCausalLM"],"model_type":"llama","num_hidden_layers":2,
                 "num_attention_heads":4,"num_key_value_heads":2,"hidden_size":32,"intermediate_size":64,
                 "vocab_size":300,"max_position_embeddings":%d,"bos_token_id":%s,"eos_token_id":%s,
                 "rope_scaling":{"rope_type":"llama3","factor":8.0},"torch_dtype":"bfloat16"}""".formatted(positions, bos, eos);
    }

    @Test
    void shouldJoinTheEosListsOfConfigAndGenerationConfigAndAcceptANullBos() throws IOException {
        ModelPackage pkg = pkg(config("null", "[128001, 128008]", 131072), """
                {"bos_token_id": 128000, "do_sample": true, "eos_token_id": [128001, 128008, 128009],
                 "temperature": 0.6, "top_p": 0.9, "repetition_penalty": 1.1}""", null);

        ModelConfig config = pkg.decoderConfig();
        assertThat(config.bosTokenId()).isEqualTo(-1);
        assertThat(config.eosTokenIds()).containsExactly(128001, 128008, 128009);
        GenerationDefaults defaults = pkg.generationDefaults();
        assertThat(defaults.eosTokenIds()).containsExactly(128001, 128008, 128009);
        assertThat(defaults.eosTokenId()).isEqualTo(128001);
        assertThat(defaults.repetitionPenalty()).isEqualTo(1.1);
        assertThat(defaults.temperature()).isEqualTo(0.6);
        assertThat(defaults.topP()).isEqualTo(0.9);
    }

    @Test
    void shouldReadASingleEosAndAMissingBos() throws IOException {
        ModelPackage pkg = pkg("""
                {"model_type":"qwen2","num_hidden_layers":2,"num_attention_heads":4,"num_key_value_heads":2,
                 "hidden_size":32,"intermediate_size":64,"vocab_size":300,"max_position_embeddings":64,
                 "eos_token_id":3}""", "{\"eos_token_id\": 4, \"bos_token_id\": null}", null);

        assertThat(pkg.decoderConfig().bosTokenId()).isEqualTo(-1);
        assertThat(pkg.decoderConfig().eosTokenIds()).containsExactly(3, 4);
        assertThat(pkg.generationDefaults().bosTokenId()).isNull();
    }

    @Test
    void shouldBoundTheContextByTheTokenizersModelMaxLengthWhenSmaller() throws IOException {
        ModelPackage pkg = pkg(config("1", "2", 4096), null, "{\"model_max_length\": 2048}");

        assertThat(pkg.contextLength()).isEqualTo(2048);
        assertThat(pkg.decoderConfig().contextLength()).isEqualTo(2048);
    }

    @Test
    void shouldIgnoreHuggingFacesNoLimitSentinelAndALargerModelMaxLength() throws IOException {
        ModelPackage sentinel = pkg(config("1", "2", 4096), null, "{\"model_max_length\": 1000000000000000019884624838656}");
        assertThat(sentinel.contextLength()).isEqualTo(4096);
        assertThat(sentinel.decoderConfig().contextLength()).isEqualTo(4096);

        ModelPackage larger = pkg(config("1", "2", 4096), null, "{\"model_max_length\": 8192}");
        assertThat(larger.contextLength()).isEqualTo(4096);
    }

    @Test
    void shouldKeepTheConstructorThePlatformsOwnWritersUse() {
        GenerationDefaults old = new GenerationDefaults(true, 0.8, 0.95, null, 32, 1, 2);

        assertThat(old.eosTokenIds()).containsExactly(2);
        assertThat(old.eosTokenId()).isEqualTo(2);
        assertThat(old.repetitionPenalty()).isNull();
        assertThat(GenerationDefaults.NONE.eosTokenId()).isNull();
    }
}
