package dev.llmplatform.gateway.training;

import dev.llmplatform.contracts.TrainingJob;
import dev.llmplatform.gateway.support.TestKeys;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static dev.llmplatform.gateway.training.TrainingValidationTest.VALID;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * With API keys on, training needs the admin scope, and a job belongs to the key that submitted it:
 * ALPHA is an inference key, CHARLIE and DELTA are admin keys.
 */
@WebFluxTest(controllers = TrainingController.class, properties = {
        "spring.config.name=gateway",
        "llm.gateway.security.enabled=true",
        "llm.gateway.security.api-key-hashes=" + TestKeys.ALPHA_HASH,
        "llm.gateway.security.admin-key-hashes=" + TestKeys.CHARLIE_HASH + "," + TestKeys.DELTA_HASH})
@Import(TrainingSliceBackend.class)
class TrainingKeysTest {

    @Autowired
    WebTestClient http;

    @Autowired
    RecordingJobPublisher publisher;

    @Autowired
    JsonMapper json;

    @BeforeEach
    void forget() {
        publisher.clear();
    }

    @Test
    void shouldRefuseAnInferenceKeyWith403AndNoKeyWith401() {
        for (var request : java.util.List.of(
                http.post().uri("/v1/training/jobs").contentType(MediaType.APPLICATION_JSON).bodyValue(VALID),
                http.get().uri("/v1/training/jobs"),
                http.get().uri("/v1/training/jobs/job-x/events"))) {
            request.header(HttpHeaders.AUTHORIZATION, "Bearer " + TestKeys.ALPHA).exchange()
                    .expectStatus().isForbidden()
                    .expectBody()
                    .jsonPath("$.error.code").isEqualTo("insufficient_scope")
                    .jsonPath("$.error.message").value(m -> assertThat((String) m).contains("admin scope")
                            .doesNotContain(TestKeys.ALPHA));
        }
        http.get().uri("/v1/training/jobs").exchange().expectStatus().isUnauthorized();
        assertThat(publisher.published()).isEmpty();
    }

    @Test
    void shouldLetOnlyTheSubmittingKeyListReadFollowAndCancelItsJob() {
        String id = json.readTree(http.post().uri("/v1/training/jobs").contentType(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + TestKeys.CHARLIE).bodyValue(VALID)
                .exchange().expectStatus().isAccepted().expectBody(String.class).returnResult().getResponseBody())
                .get("id").asString();
        TrainingJob.Submit submit = (TrainingJob.Submit) publisher.published().getFirst();
        assertThat(submit.owner()).as("the owner on the topic is the key's hash, never the key")
                .isEqualTo("key:" + TestKeys.CHARLIE_HASH);

        assertThat(ids(TestKeys.CHARLIE)).contains(id);
        as(TestKeys.CHARLIE, http.get().uri("/v1/training/jobs/" + id)).exchange().expectStatus().isOk();

        assertThat(ids(TestKeys.DELTA)).doesNotContain(id);
        as(TestKeys.DELTA, http.get().uri("/v1/training/jobs/" + id)).exchange().expectStatus().isNotFound()
                .expectBody().jsonPath("$.error.code").isEqualTo("job_not_found");
        as(TestKeys.DELTA, http.get().uri("/v1/training/jobs/" + id + "/events")).exchange().expectStatus().isNotFound();
        as(TestKeys.DELTA, http.delete().uri("/v1/training/jobs/" + id)).exchange().expectStatus().isNotFound();
        assertThat(publisher.published()).as("no cancel was published for another key").hasSize(1);

        as(TestKeys.CHARLIE, http.delete().uri("/v1/training/jobs/" + id)).exchange().expectStatus().isAccepted();
        assertThat(publisher.published().getLast()).isInstanceOf(TrainingJob.CancelJob.class);
    }

    private java.util.List<String> ids(String key) {
        JsonNode list = json.readTree(as(key, http.get().uri("/v1/training/jobs")).exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody());
        return list.get("data").valueStream().map(job -> job.get("id").asString()).toList();
    }

    private static WebTestClient.RequestHeadersSpec<?> as(String key, WebTestClient.RequestHeadersSpec<?> request) {
        return request.header(HttpHeaders.AUTHORIZATION, "Bearer " + key);
    }
}
