package dev.llmplatform.gateway.models;

import dev.llmplatform.contracts.ModelEvent;
import dev.llmplatform.gateway.error.ApiException;
import dev.llmplatform.model.GenerationDefaults;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelRegistryTest {

    @Test
    void shouldTakeTheLastAnnouncementEvenWhenItNamesAnOlderVersion() {
        // One writer, one partition: the last record is the truth (version 5 was removed from the store).
        ModelRegistry registry = new ModelRegistry();
        registry.register(RegisteredModel.of(event("5", 2_000), GenerationDefaults.NONE));
        registry.register(RegisteredModel.of(event("4", 1_000), GenerationDefaults.NONE));

        assertThat(registry.find("m").orElseThrow().version()).isEqualTo("4");
    }

    @Test
    void shouldAnswer503WhileConvertingAnd400WhenFailedNamingTheReason() {
        ModelRegistry registry = new ModelRegistry();
        registry.register(RegisteredModel.of(state("c", ModelEvent.State.CONVERTING, 0.25, "converting layer 3"),
                GenerationDefaults.NONE));
        registry.register(RegisteredModel.of(state("f", ModelEvent.State.FAILED, null,
                "model.safetensors: truncated"), GenerationDefaults.NONE));
        registry.register(RegisteredModel.of(event("1", 1), GenerationDefaults.NONE));

        assertThatThrownBy(() -> registry.requireServing("c")).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.error().status()).isEqualTo(503);
            assertThat(e.headers()).containsKey("Retry-After");
            assertThat(e.error().message()).contains("25%");
        });
        assertThatThrownBy(() -> registry.requireServing("f")).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.error().status()).isEqualTo(400);
            assertThat(e.error().param()).isEqualTo("model");
            assertThat(e.error().message()).contains("model.safetensors: truncated");
        });
        assertThatThrownBy(() -> registry.requireServing("nope")).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.error().status()).isEqualTo(404));
        assertThat(registry.requireServing("m").version()).isEqualTo("1");
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

    private static ModelEvent state(String name, ModelEvent.State state, Double progress, String message) {
        return new ModelEvent(ModelEvent.CURRENT_VERSION, name, "1", "decoder", 10, 32, Double.NaN, null, 1, state,
                progress, message, "Qwen2ForCausalLM", "safetensors", "int8", true, null);
    }

    private static ModelEvent event(String version, long publishedAt) {
        return new ModelEvent(ModelEvent.CURRENT_VERSION, "m", version, "decoder", 10, 32, 1.0, null, publishedAt);
    }
}
