package dev.llmplatform.gateway.training;

import dev.llmplatform.contracts.Messages;
import dev.llmplatform.contracts.TrainingJob;
import dev.llmplatform.contracts.TrainingSpec;
import dev.llmplatform.gateway.support.KafkaGatewayTest;
import dev.llmplatform.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.llmplatform.gateway.training.TrainingEvents.cancelled;
import static dev.llmplatform.gateway.training.TrainingEvents.queued;
import static dev.llmplatform.gateway.training.TrainingEvents.running;
import static dev.llmplatform.gateway.training.TrainingEvents.succeeded;
import static dev.llmplatform.gateway.training.TrainingValidationTest.VALID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Training jobs through the real gateway and broker, with a peer playing the training-service. */
class TrainingOverKafkaTest extends KafkaGatewayTest {

    /**
     * HTTP/1.1 without the JDK client's h2c upgrade attempt, and short request timeouts: a request
     * stuck on a bad pooled connection fails that poll, and the await tries again.
     */
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private TrainingServicePeer trainer;

    @BeforeAll
    void startTrainer() {
        trainer = new TrainingServicePeer(bootstrapServers);
    }

    @AfterAll
    void stopTrainer() throws InterruptedException {
        trainer.close();
        client.close();
    }

    @Test
    void shouldRunAJobFromSubmissionToAStreamThatEndsAfterSuccess() throws Exception {
        HttpResponse<String> created = post("/v1/training/jobs", VALID);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        String id = json(created.body()).get("id").asString();
        JsonNode queuedAtOnce = json(get("/v1/training/jobs/" + id).body());
        assertThat(queuedAtOnce.get("status").asString()).isEqualTo("queued");
        assertThat(queuedAtOnce.get("model").asString()).isEqualTo("my-model");

        TrainingSpec spec = trainer.awaitSubmit(id).spec();
        assertThat(spec.model()).isEqualTo("my-model");
        assertThat(spec.architecture().kvHeads()).isEqualTo(2);
        trainer.publish(queued(id, 4));
        trainer.publish(running(id, 1, 4, 5.0));
        trainer.publish(running(id, 2, 4, 4.0));
        eventually().untilAsserted(() ->
                assertThat(json(get("/v1/training/jobs/" + id).body()).get("step").asInt()).isEqualTo(2));
        JsonNode progress = json(get("/v1/training/jobs/" + id).body());
        assertThat(progress.get("status").asString()).isEqualTo("running");
        assertThat(progress.get("loss").asDouble()).isEqualTo(4.0);
        assertThat(progress.get("eval_loss").asDouble()).isEqualTo(4.25);

        try (SseLines stream = new SseLines(client, uri("/v1/training/jobs/" + id + "/events"))) {
            assertThat(stream.response().statusCode()).isEqualTo(200);
            assertThat(stream.response().headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
            assertThat(List.of(stream.next(), stream.next(), stream.next())).as("the history so far")
                    .satisfiesExactly(
                            line -> assertThat(line).contains("\"status\":\"queued\""),
                            line -> assertThat(line).contains("\"status\":\"running\"", "\"step\":1,"),
                            line -> assertThat(line).contains("\"status\":\"running\"", "\"step\":2,"));

            trainer.publish(running(id, 3, 4, 3.0));
            assertThat(stream.next()).as("a live event").contains("\"step\":3,", "\"loss\":3.0");
            trainer.publish(succeeded(id, 4, 2.5, "1"));
            assertThat(stream.next()).contains("\"status\":\"succeeded\"", "\"model_version\":\"1\"");
            assertThat(stream.next()).isEqualTo("data: [DONE]");
            assertThat(stream.next()).as("the stream ends after the terminal event").isEqualTo(SseLines.END);
        }
        JsonNode done = json(get("/v1/training/jobs/" + id).body());
        assertThat(done.get("status").asString()).isEqualTo("succeeded");
        assertThat(done.get("model_version").asString()).isEqualTo("1");
        assertThat(done.get("step").asInt()).isEqualTo(4);
    }

    @Test
    void shouldPublishACancelAndShowTheJobCancelledOnceTheTrainingServiceSaysSo() {
        String id = json(post("/v1/training/jobs", VALID).body()).get("id").asString();
        trainer.awaitSubmit(id);
        assertThat(json(get("/v1/training/jobs").body()).get("data").get(0).get("id").asString())
                .as("newest first").isEqualTo(id);

        HttpResponse<String> cancel = delete("/v1/training/jobs/" + id);

        assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(202);
        assertThat(json(cancel.body()).get("status").asString()).isEqualTo("queued");
        assertThat(trainer.awaitCancel(id)).isEqualTo(new TrainingJob.CancelJob(TrainingJob.CURRENT_VERSION, id));
        trainer.publish(cancelled(id, 0, 100));
        eventually().untilAsserted(() ->
                assertThat(json(get("/v1/training/jobs/" + id).body()).get("status").asString()).isEqualTo("cancelled"));
        assertThat(delete("/v1/training/jobs/" + id).statusCode()).isEqualTo(409);
    }

    @Test
    void shouldKnowAJobSubmittedThroughAnotherGatewayInstance() {
        String id = "job-from-another-gateway";
        TrainingSpec spec = new TrainingSpec("elsewhere", new TrainingSpec.Dataset("synthetic", null, null, null),
                new TrainingSpec.TokenizerSpec(300, null), new TrainingSpec.Architecture(1, 16, 2, 2, 8, null),
                10, 1, 0.01, 0, 0, 0);
        trainer.send(Topics.TRAINING_JOBS.name(), id, Messages.toJson(
                new TrainingJob.Submit(TrainingJob.CURRENT_VERSION, id, spec, System.currentTimeMillis())));
        trainer.publish(running(id, 5, 10, 2.0));

        eventually().untilAsserted(() -> {
            JsonNode job = json(get("/v1/training/jobs/" + id).body());
            assertThat(job.get("model").asString()).isEqualTo("elsewhere");
            assertThat(job.get("step").asInt()).isEqualTo(5);
        });
    }

    @Test
    void shouldSendAnUnreadableEventToTheDeadLetterTopicAndKeepListening() {
        trainer.send(Topics.TRAINING_EVENTS.name(), "job-poison", "{\"jobId\":\"job-poison\"");
        trainer.publish(queued("job-after-poison", 10));

        eventually().untilAsserted(() ->
                assertThat(get("/v1/training/jobs/job-after-poison").statusCode()).isEqualTo(200));
        assertThat(get("/v1/training/jobs/job-poison").statusCode()).isEqualTo(404);
        assertThat(deadLetterKeys()).contains("job-poison");
    }

    @Override
    protected HttpResponse<String> post(String path, String json) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    @Override
    protected HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    private HttpResponse<String> delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return client.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static ConditionFactory eventually() {
        return await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(UncheckedIOException.class);
    }

    private List<String> deadLetterKeys() {
        TopicPartition dlt = new TopicPartition(Topics.TRAINING_EVENTS.deadLetter(), 0);
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(dlt));
            consumer.seekToBeginning(List.of(dlt));
            List<String> keys = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 10_000;
            while (!keys.contains("job-poison") && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(record -> keys.add(record.key()));
            }
            return keys;
        }
    }

    private static JsonNode json(String body) {
        return Messages.mapper().readTree(body);
    }
}
