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
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Readiness follows the most recent load of each model: a failed one is DOWN until a version of it loads. */
class GenerationHealthIndicatorTest {

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

    @Test
    @SuppressWarnings("unchecked")
    void shouldBeDownNamingTheModelWhoseLatestLoadFailedAndUpOnceAVersionOfItLoads() throws IOException {
        HfFixtures.copyInto("llama3-onnx", store, "llama3", "1");
        Files.write(store.resolve("llama3/1/onnx/model.onnx"), new byte[]{1, 2, 3});   // a truncated graph
        try (ModelEngines engines = new ModelEngines(new ModelStore(store), DecoderOptions.cpu(1),
                new EngineSettings(2, 1 << 24, 4, 0), IGNORE, new SimpleMeterRegistry())) {
            var indicator = new GenerationHealthIndicator(engines,
                    new RequestBackpressure(new KafkaListenerEndpointRegistry(), "inference-requests", () -> false),
                    Duration.ofSeconds(30), InstantSource.system());
            assertThat(indicator.health().getStatus()).as("nothing loaded yet").isEqualTo(Status.UP);

            assertThat(catchThrowable(() -> engines.get("llama3", null))).isInstanceOf(ModelUnavailableException.class);

            Health failed = indicator.health();
            assertThat(failed.getStatus()).isEqualTo(Status.DOWN);
            assertThat((Map<String, Object>) failed.getDetails().get("failedToLoad")).containsOnlyKeys("llama3")
                    .extractingByKey("llama3").asString().startsWith("llama3:1: ");

            HfFixtures.copyInto("llama3-onnx", store, "llama3", "2");
            engines.get("llama3", null);

            Health recovered = indicator.health();
            assertThat(recovered.getStatus()).isEqualTo(Status.UP);
            assertThat(recovered.getDetails()).doesNotContainKey("failedToLoad");
            assertThat((Map<String, Object>) recovered.getDetails().get("models")).containsOnlyKeys("llama3:2");
        }
    }
}
