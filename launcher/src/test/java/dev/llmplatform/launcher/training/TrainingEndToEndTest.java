package dev.llmplatform.launcher.training;

import dev.llmplatform.contracts.Messages;
import dev.llmplatform.launcher.PlatformTestAccess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The training loop closed through everything: a job submitted over HTTP trains in the
 * training-service, its progress streams back as SSE, the model is published, and a completion
 * from it works at once — no restart anywhere.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrainingEndToEndTest {

    private PlatformTestAccess platform;

    @BeforeAll
    void start() {
        platform = PlatformTestAccess.start(Map.of());
    }

    @AfterAll
    void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void shouldTrainPublishAndServeANewModelWithoutRestart() {
        String job = """
                {"model":"e2e-trained","dataset":{"type":"synthetic","seed":3,"documents":400},
                 "tokenizer":{"vocab_size":300},
                 "architecture":{"layers":1,"hidden":32,"heads":2,"kv_heads":2,"context":32},
                 "steps":30,"batch_size":4,"learning_rate":0.01,"seed":11}""";
        HttpResponse<String> submitted = platform.post("/v1/training/jobs", job);
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
        String id = Messages.mapper().readTree(submitted.body()).get("id").asString();

        HttpResponse<Stream<String>> events = platform.getStreaming("/v1/training/jobs/" + id + "/events");
        List<JsonNode> progress = new ArrayList<>();
        for (String line : events.body().filter(l -> l.startsWith("data:")).toList()) {
            String data = line.substring(5).trim();
            if (!data.equals("[DONE]")) {
                progress.add(Messages.mapper().readTree(data));
            }
        }
        assertThat(progress).isNotEmpty();
        assertThat(progress.getLast().get("status").asString()).isEqualTo("succeeded");
        assertThat(progress.stream().filter(e -> e.get("status").asString().equals("running"))
                .filter(e -> e.hasNonNull("loss")).count()).isPositive();

        // The model's announcement and the job's last status come on two topics, read by two listener threads.
        JsonNode trained = await().atMost(Duration.ofSeconds(10)).until(() -> Messages.mapper()
                .readTree(platform.get("/v1/models").body()).get("data").valueStream()
                .filter(m -> m.get("id").asString().equals("e2e-trained")).findFirst(), Optional::isPresent)
                .orElseThrow();
        assertThat(trained.get("parameter_count").asLong()).isPositive();
        assertThat(trained.get("eval_loss").asDouble()).isPositive();

        HttpResponse<String> completion = platform.post("/v1/completions",
                "{\"model\":\"e2e-trained\",\"prompt\":\"The animal\",\"max_tokens\":8,\"temperature\":0}");
        assertThat(completion.statusCode()).as(completion.body()).isEqualTo(200);
        JsonNode choice = Messages.mapper().readTree(completion.body()).get("choices").get(0);
        assertThat(choice.get("finish_reason").asString()).isIn("stop", "length");
    }
}
