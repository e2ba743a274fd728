package dev.llmplatform.gateway.reasoning;

import dev.llmplatform.contracts.Messages;
import dev.llmplatform.contracts.ModelEvent;
import dev.llmplatform.gateway.GatewayProperties;
import dev.llmplatform.gateway.models.ModelRegistry;
import dev.llmplatform.gateway.models.ModelRegistryListener;
import dev.llmplatform.gateway.models.RegisteredModel;
import dev.llmplatform.model.ModelStore;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which parser a model uses: {@code reasoning_parser} in its folder's {@code llm-platform.json}, read where the
 * gateway reads its generation defaults, with the {@code </think>} token's id from its tokenizer; the gateway's
 * {@code llm.gateway.reasoning-parsers.<model>} wins; an unknown name is ignored.
 */
class ReasoningParserSettingTest {

    @TempDir
    Path store;

    @Test
    void shouldTakeTheFoldersReasoningParserAndTheClosingTokensId() throws IOException {
        folder("thinker", "{\"reasoning_parser\": \"qwen3\"}");

        RegisteredModel model = register("thinker", Map.of());

        assertThat(model.reasoningParser()).isEqualTo("qwen3");
        assertThat(model.reasoningEndTokenId()).isEqualTo(12);
    }

    @Test
    void shouldLetTheGatewaySettingWinAndIgnoreAnUnknownParser() throws IOException {
        folder("overridden", "{\"reasoning_parser\": \"qwen3\"}");
        folder("misnamed", "{\"reasoning_parser\": \"no-such-parser\"}");
        folder("plain", "{\"weights\": \"int8\"}");

        assertThat(register("overridden", Map.of("llm.gateway.reasoning-parsers.overridden", "deepseek_r1"))
                .reasoningParser()).isEqualTo("deepseek_r1");
        assertThat(register("misnamed", Map.of()).reasoningParser()).isNull();
        RegisteredModel plain = register("plain", Map.of());
        assertThat(plain.reasoningParser()).isNull();
        assertThat(plain.reasoningEndTokenId()).isEqualTo(-1);
    }

    private RegisteredModel register(String name, Map<String, String> settings) {
        GatewayProperties gateway = new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("llm.gateway", GatewayProperties.class);
        ModelRegistry registry = new ModelRegistry();
        ModelRegistryListener listener = new ModelRegistryListener(registry, new ModelStore(store), null, gateway);
        ModelEvent event = new ModelEvent(ModelEvent.CURRENT_VERSION, name, "1", "decoder", 10, 32, Double.NaN, null, 1);
        listener.onRecord(new ConsumerRecord<>("llm.models", 0, 0, name, Messages.toJson(event)));
        return registry.find(name).orElseThrow();
    }

    /** An ONNX export's folder: config, graph, a tokenizer with {@code </think>} as added token 12, settings. */
    private void folder(String name, String settings) throws IOException {
        Path dir = Files.createDirectories(store.resolve(name).resolve("1"));
        Files.writeString(dir.resolve("config.json"), """
                {"model_type":"llama","architectures":["LlamaForCausalLM"],"num_hidden_layers":1,
                 "num_attention_heads":2,"num_key_value_heads":2,"hidden_size":8,"intermediate_size":8,
                 "vocab_size":16,"max_position_embeddings":32}""");
        Files.write(dir.resolve("model.onnx"), new byte[] {8, 1});
        Files.writeString(dir.resolve("tokenizer.json"), """
                {"version":"1.0","added_tokens":[{"id":11,"content":"<think>"},{"id":12,"content":"</think>"}],
                 "model":{"type":"BPE","vocab":{}}}""");
        Files.writeString(dir.resolve("llm-platform.json"), settings);
    }
}
