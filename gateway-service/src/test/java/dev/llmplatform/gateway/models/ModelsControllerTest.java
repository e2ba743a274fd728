package dev.llmplatform.gateway.models;

import dev.llmplatform.gateway.support.SliceTestBackend;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.web.reactive.server.WebTestClient;

import static dev.llmplatform.gateway.support.SliceTestBackend.ENCODER;
import static dev.llmplatform.gateway.support.SliceTestBackend.MODEL;

/** {@code /v1/models} in OpenAI's shape, from the registry. */
@WebFluxTest(controllers = ModelsController.class, properties = "spring.config.name=gateway")
@Import(SliceTestBackend.class)
class ModelsControllerTest {

    @Autowired
    WebTestClient http;

    @Test
    void shouldListEveryModelSortedByNameWithItsFacts() {
        http.get().uri("/v1/models").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.object").isEqualTo("list")
                .jsonPath("$.data.length()").isEqualTo(2)
                .jsonPath("$.data[0].id").isEqualTo(ENCODER)
                .jsonPath("$.data[0].eval_loss").isEmpty()
                .jsonPath("$.data[0].kind").isEqualTo("encoder")
                .jsonPath("$.data[1].id").isEqualTo(MODEL)
                .jsonPath("$.data[1].object").isEqualTo("model")
                .jsonPath("$.data[1].owned_by").isEqualTo("llm-platform")
                .jsonPath("$.data[1].created").isEqualTo(1_700_000_000)
                .jsonPath("$.data[1].version").isEqualTo("3")
                .jsonPath("$.data[1].parameter_count").isEqualTo(123_456)
                .jsonPath("$.data[1].context_length").isEqualTo(SliceTestBackend.CONTEXT_LENGTH)
                .jsonPath("$.data[1].eval_loss").isEqualTo(2.5);
    }

    @Test
    void shouldStateTheEndpointsEachModelServesFromItsKind() {
        http.get().uri("/v1/models").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.data[0].capabilities").isEqualTo(java.util.List.of("embeddings", "rerank", "score"))
                .jsonPath("$.data[1].capabilities").isEqualTo(java.util.List.of("completions", "chat"));
    }

    @Test
    void shouldAnswerOneModelByIdAndAnUnknownOneWithModelNotFound() {
        http.get().uri("/v1/models/{id}", MODEL).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.id").isEqualTo(MODEL);
        http.get().uri("/v1/models/{id}", "nope").exchange()
                .expectStatus().isNotFound()
                .expectBody()
                .jsonPath("$.error.code").isEqualTo("model_not_found")
                .jsonPath("$.error.param").isEqualTo("model");
    }
}
