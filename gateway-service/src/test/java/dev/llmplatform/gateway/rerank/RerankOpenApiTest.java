package dev.llmplatform.gateway.rerank;

import dev.llmplatform.gateway.support.SliceTestBackend;
import org.junit.jupiter.api.Test;
import org.springdoc.core.configuration.SpringDocConfiguration;
import org.springdoc.core.properties.SpringDocConfigProperties;
import org.springdoc.webflux.core.configuration.SpringDocWebFluxConfiguration;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code /openapi.json} describes rerank and score: request and answer schemas, examples, OpenAI's errors. */
@WebFluxTest(controllers = RerankController.class, properties = "spring.config.name=gateway")
@ImportAutoConfiguration({SpringDocConfiguration.class, SpringDocConfigProperties.class, SpringDocWebFluxConfiguration.class})
@Import({SliceTestBackend.class, RerankService.class, dev.llmplatform.gateway.openapi.OpenApiConfiguration.class})
class RerankOpenApiTest {

    @Autowired
    WebTestClient http;

    @Autowired
    JsonMapper json;

    @Test
    void shouldDescribeRerankAndScoreWithSchemasExamplesAndErrors() {
        // springdoc builds the document on the first request: seconds on a busy 2-core machine
        JsonNode document = json.readTree(http.mutate().responseTimeout(Duration.ofSeconds(60)).build().get().uri("/openapi.json").exchange()
                .expectStatus().isOk().expectBody().returnResult().getResponseBody());

        JsonNode rerank = document.at("/paths/~1v1~1rerank/post");
        assertThat(rerank.get("operationId").asString()).isEqualTo("rerank");
        assertThat(rerank.at("/requestBody/content/application~1json/schema/$ref").asString()).endsWith("/RerankRequest");
        assertThat(rerank.at("/requestBody/content/application~1json/examples/rerank/value/documents").size())
                .isEqualTo(2);
        assertThat(rerank.at("/responses/200/content/application~1json/schema/$ref").asString()).endsWith("/RerankResponse");
        assertThat(rerank.at("/responses/400/content/application~1json/schema/$ref").asString()).endsWith("/ApiErrorBody");
        assertThat(document.at("/components/schemas/RerankRequest/properties").has("top_n")).isTrue();
        assertThat(document.at("/components/schemas/RerankRequest/properties").has("unrecognized")).isFalse();
        assertThat(document.at("/components/schemas/RerankResult/properties").has("relevance_score")).isTrue();

        JsonNode score = document.at("/paths/~1v1~1score/post");
        assertThat(score.get("operationId").asString()).isEqualTo("score");
        assertThat(score.at("/responses/200/content/application~1json/schema/$ref").asString()).endsWith("/ScoreResponse");
        assertThat(score.at("/responses/200/content/application~1json/examples/scores/value/data/1/object").asString())
                .isEqualTo("score");
        assertThat(document.at("/components/schemas/ScoreRequest/properties").has("text_1")).isTrue();
        assertThat(score.get("parameters").valueStream().map(p -> p.get("name").asString())).contains("X-Request-Timeout");
    }
}
