package dev.llmplatform.gateway.models;

import dev.llmplatform.contracts.ModelEvent;
import dev.llmplatform.gateway.support.TestModelStore;
import dev.llmplatform.model.GenerationDefaults;
import dev.llmplatform.model.ModelStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ModelRegistryTest {

    @Test
    void shouldRegisterTheLatestVersionOfEachStoreModelWithItsConfig(@TempDir Path root) {
        TestModelStore.writeTinyLlama(root, "2");
        TestModelStore.writeTinyLlama(root, "10");

        ModelRegistry registry = ModelRegistry.fromStore(new ModelStore(root));

        RegisteredModel model = registry.find(TestModelStore.MODEL).orElseThrow();
        assertThat(model.version()).isEqualTo("10");
        assertThat(model.contextLength()).isEqualTo(TestModelStore.CONTEXT_LENGTH);
        assertThat(model.evalLoss()).isEqualTo(3.25);
        assertThat(model.defaults().temperature()).isEqualTo(0.8);
        assertThat(model.canGenerate()).isTrue();
    }

    @Test
    void shouldKeepTheNewerPublicationWhenAnOlderOneIsReplayed() {
        ModelRegistry registry = new ModelRegistry();
        registry.register(RegisteredModel.of(event("5", 2_000), GenerationDefaults.NONE));
        registry.register(RegisteredModel.of(event("4", 1_000), GenerationDefaults.NONE));

        assertThat(registry.find("m").orElseThrow().version()).isEqualTo("5");

        registry.register(RegisteredModel.of(event("6", 3_000), GenerationDefaults.NONE));
        assertThat(registry.find("m").orElseThrow().version()).isEqualTo("6");
    }

    @Test
    void shouldForgetAWithdrawnModelAndListTheRestByName() {
        ModelRegistry registry = new ModelRegistry();
        registry.register(RegisteredModel.of(event("1", 1), GenerationDefaults.NONE));
        registry.register(new RegisteredModel("b", "1", "encoder", 1, 0, Double.NaN, 1, null));
        registry.register(new RegisteredModel("a", "1", null, 1, 0, Double.NaN, 1, null));

        registry.remove("m");

        assertThat(registry.names()).containsExactly("a", "b");
        assertThat(registry.find("a").orElseThrow().canGenerate()).isTrue();
        assertThat(registry.find("b").orElseThrow().canGenerate()).isFalse();
    }

    private static ModelEvent event(String version, long publishedAt) {
        return new ModelEvent(ModelEvent.CURRENT_VERSION, "m", version, "decoder", 10, 32, 1.0, null, publishedAt);
    }
}
