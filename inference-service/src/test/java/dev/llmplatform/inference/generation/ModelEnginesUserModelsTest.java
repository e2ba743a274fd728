package dev.llmplatform.inference.generation;

import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.contracts.TokenLogprob;
import dev.llmplatform.contracts.Timings;
import dev.llmplatform.contracts.Usage;
import dev.llmplatform.inference.engine.EngineSettings;
import dev.llmplatform.inference.engine.TokenSink;
import dev.llmplatform.inference.engine.onnx.DecoderOptions;
import dev.llmplatform.inference.testing.HfFixtures;
import dev.llmplatform.model.ModelStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The service's engines load what users drop into the store, and say when a model is not ready yet. */
class ModelEnginesUserModelsTest {

    private static final TokenSink IGNORE = new TokenSink() {
        @Override
        public void onTokens(String requestId, int offset, int[] tokenIds, List<TokenLogprob> logprobs) {
        }

        @Override
        public void onFinished(String requestId, FinishReason reason, Usage usage, Timings timings, ErrorInfo error) {
        }
    };

    @TempDir
    Path store;

    private ModelEngines engines() {
        return new ModelEngines(new ModelStore(store), DecoderOptions.cpu(1), new EngineSettings(2, 1 << 24, 4, 0),
                IGNORE, new SimpleMeterRegistry());
    }

    @Test
    void shouldLoadAUsersOnnxExportFromItsPath() {
        HfFixtures.copyInto("llama3-onnx", store, "llama3", "main");
        try (ModelEngines engines = engines()) {
            ModelEngines.LoadedModel model = engines.get("llama3", null);

            assertThat(model.key()).isEqualTo("llama3:main");
            assertThat(model.decoder().graph().layers()).isEqualTo(2);
            assertThat(model.decoder().contextLength()).isEqualTo(256);
        }
    }

    @Test
    void shouldAnswer503ForACheckpointNotConvertedYet() throws IOException {
        Path dir = Files.createDirectories(store.resolve("ckpt").resolve("1"));
        Files.writeString(dir.resolve("config.json"), """
                {"model_type":"llama","num_hidden_layers":1,"num_attention_heads":2,"hidden_size":8,
                 "intermediate_size":16,"vocab_size":10,"max_position_embeddings":16,"eos_token_id":2}""");
        Files.write(dir.resolve("model.safetensors"), new byte[8]);
        try (ModelEngines engines = engines()) {
            ModelUnavailableException e = catchThrowableOfType(ModelUnavailableException.class, () -> engines.get("ckpt", null));

            assertThat(e.error().status()).isEqualTo(503);
            assertThat(e.error().message()).contains("not converted");
        }
    }
}
