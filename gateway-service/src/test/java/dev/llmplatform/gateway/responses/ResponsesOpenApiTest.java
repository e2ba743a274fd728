package dev.llmplatform.gateway.responses;

import dev.llmplatform.gateway.openapi.OpenApiConfiguration;
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

/** {@code /openapi.json} describes {@code /v1/responses}: request, whole answer, named event stream, errors. */
@WebFluxTest(controllers = ResponsesController.class, properties = "spring.config.name=gateway")
@ImportAutoConfiguration({SpringDocConfiguration.class, SpringDocConfigProperties.class, SpringDocWebFluxConfiguration.class})
@Import({SliceTestBackend.class, ResponsesService.class, OpenApiConfiguration.class})
class ResponsesOpenApiTest {

    @Autowired
    WebTestClient http;

    @Autowired
    JsonMapper json;

    @Test
    void shouldDescribeCreateRetrieveAndDeleteWithExamplesAndOpenAiErrors() {
        // The first build of the document takes seconds of CPU; more on a loaded machine.
        JsonNode document = json.readTree(http.mutate().responseTimeout(Duration.ofSeconds(60)).build()
                .get().uri("/openapi.json").exchange().expectStatus().isOk()
                .expectBody().returnResult().getResponseBody());
        JsonNode create = document.at("/paths/~1v1~1responses/post");

        assertThat(create.get("operationId").asString()).isEqualTo("createResponse");
        assertThat(create.at("/requestBody/content/application~1json/schema/$ref").asString())
                .endsWith("/ResponsesRequest");
        assertThat(create.at("/requestBody/content/application~1json/examples/simple/value/instructions").asString())
                .isEqualTo("Answer briefly.");
        JsonNode ok = create.at("/responses/200/content");
        assertThat(ok.at("/application~1json/schema/$ref").asString()).endsWith("/ResponseBody");
        assertThat(ok.at("/text~1event-stream/examples/stream/value").asString())
                .startsWith("event: response.created").contains("event: response.output_text.delta")
                .doesNotContain("[DONE]");
        for (String status : new String[]{"400", "404", "429", "503"}) {
            assertThat(create.at("/responses/" + status + "/content/application~1json/schema/$ref").asString())
                    .as(status).endsWith("/ApiErrorBody");
        }
        assertThat(create.get("parameters").valueStream().map(p -> p.get("name").asString())).contains("X-Request-Timeout");
        JsonNode request = document.at("/components/schemas/ResponsesRequest/properties");
        assertThat(request.has("input")).isTrue();
        assertThat(request.has("max_output_tokens")).isTrue();
        assertThat(request.has("unrecognized")).as("the catch-all for unknown fields is no parameter").isFalse();
        assertThat(document.at("/components/schemas/ResponseBody/properties/usage/$ref").asString())
                .endsWith("/ResponseUsage");

        JsonNode byId = document.at("/paths/~1v1~1responses~1{id}");
        assertThat(byId.at("/get/responses/404/content/application~1json/schema/$ref").asString()).endsWith("/ApiErrorBody");
        assertThat(byId.at("/delete/responses/200/content/application~1json/schema/$ref").asString())
                .endsWith("/DeletedResponse");
    }
}
