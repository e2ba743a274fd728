package dev.llmplatform.gateway.tools;

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
 * Which tool-call parser a model uses: {@code tool_call_parser} in its folder's {@code llm-platform.json}; the
 * gateway's {@code llm.gateway.tool-call-parsers.<model>} wins; an unknown name or none leaves the default, hermes.
 */
class ToolCallParserSettingTest {

    @TempDir
    Path store;

    @Test
    void shouldTakeTheFoldersParserUnlessTheGatewayNamesAnother() throws IOException {
        folder("llama", "{\"tool_call_parser\": \"llama3_json\"}");
        folder("overridden", "{\"tool_call_parser\": \"llama3_json\"}");

        assertThat(register("llama", Map.of()).toolCallParser()).isEqualTo("llama3_json");
        assertThat(register("overridden", Map.of("llm.gateway.tool-call-parsers.overridden", "mistral"))
                .toolCallParser()).isEqualTo("mistral");
    }

    @Test
    void shouldFallBackToHermesForNoneOrAnUnknownParser() throws IOException {
        folder("misnamed", "{\"tool_call_parser\": \"no-such-parser\"}");
        folder("plain", "{\"weights\": \"int8\"}");

        assertThat(register("misnamed", Map.of()).toolCallParser()).isNull();
        assertThat(ToolCallParsers.resolve(register("plain", Map.of()).toolCallParser())).isEqualTo(ToolCallParsers.HERMES);
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

    /** An ONNX export's folder with its settings. */
    private void folder(String name, String settings) throws IOException {
        Path dir = Files.createDirectories(store.resolve(name).resolve("1"));
        Files.writeString(dir.resolve("config.json"), """
                {"model_type":"llama","architectures":["LlamaForCausalLM"],"num_hidden_layers":1,
                 "num_attention_heads":2,"num_key_value_heads":2,"hidden_size":8,"intermediate_size":8,
                 "vocab_size":16,"max_position_embeddings":32}""");
        Files.write(dir.resolve("model.onnx"), new byte[] {8, 1});
        Files.writeString(dir.resolve("tokenizer.json"), """
                {"version":"1.0","added_tokens":[],"model":{"type":"BPE","vocab":{}}}""");
        Files.writeString(dir.resolve("llm-platform.json"), settings);
    }
}
