package dev.llmplatform.gateway.training;

import dev.llmplatform.contracts.TrainingJob;
import dev.llmplatform.contracts.TrainingSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

import java.util.Arrays;
import java.util.List;

import static dev.llmplatform.gateway.training.TrainingEvents.queued;
import static dev.llmplatform.gateway.training.TrainingEvents.running;
import static dev.llmplatform.gateway.training.TrainingEvents.succeeded;
import static dev.llmplatform.gateway.training.TrainingValidationTest.VALID;
import static dev.llmplatform.gateway.training.TrainingValidationTest.with;
import static org.assertj.core.api.Assertions.assertThat;

/** The training endpoints' answers, with a recording publisher in place of Kafka. */
@WebFluxTest(controllers = TrainingController.class, properties = "spring.config.name=gateway")
@Import(TrainingSliceBackend.class)
class TrainingApiTest {

    @Autowired
    WebTestClient http;

    @Autowired
    RecordingJobPublisher publisher;

    @Autowired
    TrainingJobs jobs;

    @BeforeEach
    void forget() {
        publisher.clear();
    }

    @Test
    void shouldAcceptAJobPublishItsSpecAndShowItAsQueuedAtOnce() {
        long before = System.currentTimeMillis() / 1000;
        JsonNode job = submit(VALID);

        String id = job.get("id").asString();
        assertThat(id).matches("job-[0-9a-f]{32}");
        assertThat(job.get("object").asString()).isEqualTo("training.job");
        assertThat(job.get("status").asString()).isEqualTo("queued");
        assertThat(job.get("model").asString()).isEqualTo("my-model");
        assertThat(job.get("step").isNull()).isTrue();
        assertThat(job.get("created").asLong()).isBetween(before, before + 5);

        TrainingJob.Submit submit = (TrainingJob.Submit) publisher.published().getFirst();
        assertThat(submit.jobId()).isEqualTo(id);
        TrainingSpec spec = submit.spec();
        assertThat(spec.model()).isEqualTo("my-model");
        assertThat(spec.dataset()).isEqualTo(new TrainingSpec.Dataset("synthetic", null, 7L, 100));
        assertThat(spec.tokenizer()).isEqualTo(new TrainingSpec.TokenizerSpec(512, null));
        assertThat(spec.architecture()).isEqualTo(new TrainingSpec.Architecture(2, 64, 4, 2, 64, null));
        assertThat(List.of(spec.steps(), spec.batchSize(), spec.checkpointEvery(), spec.evalEvery()))
                .containsExactly(100, 8, 0, 0);
        assertThat(spec.learningRate()).isEqualTo(0.001);
        assertThat(spec.seed()).isEqualTo(1);

        http.get().uri("/v1/training/jobs/" + id).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("queued").jsonPath("$.model").isEqualTo("my-model");
    }

    @Test
    void shouldDefaultKvHeadsToHeadsAndAcceptAFilesDatasetAndAReusedTokenizer() {
        submit(with("""
                "dataset":{"type":"files","path":"corpus/zh/part-1.txt"},"tokenizer":{"reuse_model":"tiny-llama"},
                "architecture":{"layers":1,"hidden":32,"heads":2,"context":16,"intermediate":96}"""));

        TrainingSpec spec = ((TrainingJob.Submit) publisher.published().getFirst()).spec();
        assertThat(spec.dataset()).isEqualTo(new TrainingSpec.Dataset("files", "corpus/zh/part-1.txt", null, null));
        assertThat(spec.tokenizer()).isEqualTo(new TrainingSpec.TokenizerSpec(null, "tiny-llama"));
        assertThat(spec.architecture()).isEqualTo(new TrainingSpec.Architecture(1, 32, 2, 2, 16, 96));
    }

    @Test
    void shouldAnswer503AndRecordNothingWhenTheJobCannotBePublished() {
        publisher.failing(true);
        int known = jobs.list().size();

        http.post().uri("/v1/training/jobs").contentType(MediaType.APPLICATION_JSON).bodyValue(VALID).exchange()
                .expectStatus().isEqualTo(503)
                .expectBody().jsonPath("$.error.code").isEqualTo("service_unavailable");
        assertThat(jobs.list()).hasSize(known);
    }

    @Test
    void shouldListJobsNewestFirst() {
        jobs.submitted("job-list-old", "a", 1_000);
        jobs.submitted("job-list-new", "b", 4_000_000_000_000L);

        JsonNode list = http.get().uri("/v1/training/jobs").exchange()
                .expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();

        assertThat(list.get("object").asString()).isEqualTo("list");
        List<String> ids = list.get("data").valueStream().map(j -> j.get("id").asString()).toList();
        assertThat(ids.getFirst()).isEqualTo("job-list-new");
        assertThat(ids.indexOf("job-list-new")).isLessThan(ids.indexOf("job-list-old"));
    }

    @Test
    void shouldShowTheLatestProgressWithUnknownValuesAsNull() {
        jobs.submitted("job-progress", "m", 1_000);
        jobs.apply(queued("job-progress", 50));
        jobs.apply(running("job-progress", 1, 50, 4.5));

        http.get().uri("/v1/training/jobs/job-progress").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").isEqualTo("running")
                .jsonPath("$.step").isEqualTo(1)
                .jsonPath("$.total_steps").isEqualTo(50)
                .jsonPath("$.loss").isEqualTo(4.5)
                .jsonPath("$.eval_loss").isEmpty()
                .jsonPath("$.tokens_per_second").isEqualTo(1234.5)
                .jsonPath("$.learning_rate").isEqualTo(0.001)
                .jsonPath("$.model_version").isEmpty()
                .jsonPath("$.updated").isEqualTo(running("job-progress", 1, 50, 4.5).epochMs() / 1000);
    }

    @Test
    void shouldAnswerUnknownJobsWith404InOpenAiShape() {
        for (var spec : List.of(http.get().uri("/v1/training/jobs/job-nope"),
                http.get().uri("/v1/training/jobs/job-nope/events"),
                http.delete().uri("/v1/training/jobs/job-nope"))) {
            spec.exchange()
                    .expectStatus().isNotFound()
                    .expectHeader().contentType(MediaType.APPLICATION_JSON)
                    .expectBody()
                    .jsonPath("$.error.type").isEqualTo("invalid_request_error")
                    .jsonPath("$.error.code").isEqualTo("job_not_found");
        }
        assertThat(publisher.published()).isEmpty();
    }

    @Test
    void shouldPublishACancelForARunningJobAndRefuseOneForAFinishedJob() {
        jobs.apply(running("job-cancel", 3, 10, 2.0));
        jobs.apply(succeeded("job-done", 10, 1.0, "1"));

        http.delete().uri("/v1/training/jobs/job-cancel").exchange()
                .expectStatus().isAccepted()
                .expectBody().jsonPath("$.id").isEqualTo("job-cancel").jsonPath("$.status").isEqualTo("running");
        http.delete().uri("/v1/training/jobs/job-done").exchange()
                .expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.error.code").isEqualTo("job_finished");

        assertThat(publisher.published()).containsExactly(
                new TrainingJob.CancelJob(TrainingJob.CURRENT_VERSION, "job-cancel"));
    }

    @Test
    void shouldStreamAFinishedJobsHistoryThenDone() {
        jobs.apply(queued("job-sse", 10));
        jobs.apply(running("job-sse", 5, 10, 2.5));
        jobs.apply(succeeded("job-sse", 10, 1.5, "3"));

        String body = http.get().uri("/v1/training/jobs/job-sse/events").exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
                .expectBody(String.class).returnResult().getResponseBody();

        List<String> data = Arrays.stream(body.split("\n")).filter(l -> l.startsWith("data:")).toList();
        assertThat(data).hasSize(4);
        assertThat(data.get(0)).startsWith("data: {\"object\":\"training.job.event\",\"job_id\":\"job-sse\",\"status\":\"queued\"");
        assertThat(data.get(1)).contains("\"status\":\"running\"", "\"step\":5", "\"loss\":2.5");
        assertThat(data.get(2)).contains("\"status\":\"succeeded\"", "\"model_version\":\"3\"");
        assertThat(data.get(3)).isEqualTo("data: [DONE]");
    }

    private JsonNode submit(String body) {
        return http.post().uri("/v1/training/jobs").contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isAccepted()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
    }
}
