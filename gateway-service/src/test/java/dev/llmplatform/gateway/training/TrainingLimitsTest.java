package dev.llmplatform.gateway.training;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static dev.llmplatform.gateway.training.TrainingValidationTest.VALID;
import static dev.llmplatform.gateway.training.TrainingValidationTest.with;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A training job's size is bounded by configuration: the base request (2 layers, hidden 64, vocabulary 512:
 * about 0.13 M parameters; 100 steps × 8 × 64 = 51,200 tokens) fits limits of 0.2 M parameters and 60,000
 * tokens, a wider model or a longer run does not.
 */
@WebFluxTest(controllers = TrainingController.class, properties = {
        "spring.config.name=gateway",
        "llm.gateway.training.max-parameters=200000",
        "llm.gateway.training.max-tokens=60000"})
@Import(TrainingSliceBackend.class)
class TrainingLimitsTest {

    @Autowired
    WebTestClient http;

    @Autowired
    RecordingJobPublisher publisher;

    @BeforeEach
    void forget() {
        publisher.clear();
    }

    @Test
    void shouldAcceptAJobWithinTheLimitsAndRefuseALargerModelOrALongerRunNamingTheField() {
        post(VALID).expectStatus().isAccepted();

        post(with("\"architecture\":{\"layers\":2,\"hidden\":128,\"heads\":4,\"context\":64}"))
                .expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.error.param").isEqualTo("architecture")
                .jsonPath("$.error.message").value(m -> assertThat((String) m).contains("parameters").contains("200000"));
        post(with("\"steps\":200"))
                .expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.error.param").isEqualTo("steps")
                .jsonPath("$.error.message").value(m -> assertThat((String) m).contains("102400").contains("60000"));
        assertThat(publisher.published()).hasSize(1);
    }

    private WebTestClient.ResponseSpec post(String body) {
        return http.post().uri("/v1/training/jobs").contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }
}
