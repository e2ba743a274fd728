package dev.llmplatform.gateway.messages;

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
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code /openapi.json} describes both Messages routes: Anthropic's bodies, the event stream, Anthropic's errors. */
@WebFluxTest(controllers = MessagesController.class, properties = "spring.config.name=gateway")
@ImportAutoConfiguration({SpringDocConfiguration.class, SpringDocConfigProperties.class, SpringDocWebFluxConfiguration.class})
@Import({SliceTestBackend.class, MessagesService.class, AnthropicErrors.class, OpenApiConfiguration.class})
class MessagesOpenApiTest {

    @Autowired
    WebTestClient http;

    @Autowired
    JsonMapper json;

    @Test
    void shouldDescribeMessagesWithAnthropicsBodiesStreamAndErrors() {
        JsonNode document = document();
        JsonNode create = document.at("/paths/~1v1~1messages/post");

        assertThat(create.at("/requestBody/content/application~1json/schema/$ref").asString()).endsWith("/MessagesRequest");
        assertThat(create.at("/requestBody/content/application~1json/examples/simple/value/max_tokens").asInt())
                .isEqualTo(32);
        assertThat(create.at("/responses/200/content/application~1json/schema/$ref").asString()).endsWith("/MessageResponse");
        assertThat(create.at("/responses/200/content/text~1event-stream/examples/stream/value").asString())
                .startsWith("event: message_start").contains("event: message_stop");
        for (String status : new String[]{"400", "401", "404", "413", "429", "503"}) {
            assertThat(create.at("/responses/" + status + "/content/application~1json/schema/$ref").asString())
                    .as(status).endsWith("/ErrorResponse");
        }
        assertThat(create.get("parameters").valueStream().map(p -> p.get("name").asString()))
                .contains("anthropic-version", "X-Request-Timeout");
        assertThat(document.at("/components/schemas/MessagesRequest/properties").has("max_tokens")).isTrue();
        assertThat(document.at("/components/schemas/MessagesRequest/properties").has("unrecognized")).isFalse();

        JsonNode count = document.at("/paths/~1v1~1messages~1count_tokens/post");
        assertThat(count.at("/responses/200/content/application~1json/schema/$ref").asString())
                .endsWith("/CountTokensResponse");
        assertThat(count.at("/responses/400/content/application~1json/schema/$ref").asString()).endsWith("/ErrorResponse");
    }

    private JsonNode document() {
        // The first document is built on demand, which takes seconds on a busy 2-core machine.
        byte[] body = http.mutate().responseTimeout(Duration.ofSeconds(60)).build().get().uri("/openapi.json").exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody().returnResult().getResponseBody();
        return json.readTree(body);
    }
}
