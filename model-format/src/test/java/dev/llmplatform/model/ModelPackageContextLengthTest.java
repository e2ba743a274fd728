package dev.llmplatform.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ModelPackageContextLengthTest {

    @TempDir
    Path store;

    @Test
    void shouldReadTheContextLengthOfAnEncoderWhoseConfigIsNotALlamaConfig() {
        ModelPackage encoder = ModelPackageWriter.write(new ModelStore(store), "bert-like", "1", "encoder", 10, null,
                Map.of(), null, dir -> Files.writeString(dir.resolve(ModelPackage.CONFIG), """
                        {"model_type":"bert","hidden_size":384,"num_hidden_layers":6,"num_attention_heads":12,
                         "vocab_size":30522,"max_position_embeddings":512}"""));

        assertThat(encoder.contextLength()).isEqualTo(512);
    }

    @Test
    void shouldSayZeroWhenThePackageHasNoConfig() {
        ModelPackage bare = ModelPackageWriter.write(new ModelStore(store), "bare", "1", "decoder", 0, null,
                Map.of(), null, dir -> Files.writeString(dir.resolve("model.onnx"), "x"));

        assertThat(bare.contextLength()).isZero();
    }
}
