package dev.llmplatform.gateway.attention;

import dev.llmplatform.contracts.TokenizerRequest;
import dev.llmplatform.gateway.support.ScriptedGenerationClient;
import dev.llmplatform.gateway.support.SliceTestBackend;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static dev.llmplatform.gateway.support.SliceTestBackend.ENCODER;
import static dev.llmplatform.gateway.support.SliceTestBackend.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code /v1/attention}: the map's shape for encoders and decoders, and refusals. */
@WebFluxTest(controllers = AttentionController.class, properties = "spring.config.name=gateway")
@Import({SliceTestBackend.class, AttentionService.class})
class AttentionApiTest {

    @Autowired
    WebTestClient http;

    @Autowired
    ScriptedGenerationClient backend;

    @BeforeEach
    void forgetRequests() {
        backend.clear();
    }

    @Test
    void shouldAnswerAnEncodersBidirectionalMap() {
        post("{\"model\":\"" + ENCODER + "\",\"prompt\":\"abcd\"}")
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.object").isEqualTo("attention")
                .jsonPath("$.model").isEqualTo(ENCODER)
                .jsonPath("$.kind").isEqualTo("encoder")
                .jsonPath("$.causal").isEqualTo(false)
                .jsonPath("$.tokens").isEqualTo(java.util.List.of("a", "b", "c", "d"))
                .jsonPath("$.token_ids[2]").isEqualTo((int) 'c')
                .jsonPath("$.layers").isEqualTo(2)
                .jsonPath("$.heads").isEqualTo(2)
                .jsonPath("$.attention.length()").isEqualTo(2)
                .jsonPath("$.attention[1][0][0].length()").isEqualTo(4)
                .jsonPath("$.attention[1][0][0][3]").isEqualTo(0.25);
        assertThat(((TokenizerRequest.Attend) backend.tokenizerRequests().getFirst()).prompt()).isEqualTo("abcd");
    }

    @Test
    void shouldAnswerADecodersCausalMap() {
        post("{\"model\":\"" + MODEL + "\",\"prompt\":\"abc\"}")
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.kind").isEqualTo("decoder")
                .jsonPath("$.causal").isEqualTo(true)
                .jsonPath("$.attention[0][1][0][1]").isEqualTo(0.0)
                .jsonPath("$.attention[0][1][1][0]").isEqualTo(0.5);
    }

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource(delimiter = '|', textBlock = """
            {"prompt":"hi"}                                   | 400 | model
            {"model":"no-such-model","prompt":"hi"}           | 404 | model
            {"model":"tiny-encoder"}                          | 400 | prompt
            {"model":"tiny-encoder","prompt":""}              | 400 | prompt
            {"model":"tiny-encoder","prompt":["a"]}           | 400 | prompt
            {"model":"tiny-encoder","prompt":"hi","layer":2}  | 400 | layer
            """)
    void shouldRefuseInvalidRequestsWithOpenAisErrorAndPublishNothing(String body, int status, String param) {
        post(body).expectStatus().isEqualTo(status)
                .expectBody().jsonPath("$.error.param").isEqualTo(param);
        assertThat(backend.tokenizerRequests()).isEmpty();
    }

    @Test
    void shouldPassOnWhatThePlatformRefuses() {
        post("{\"model\":\"" + ENCODER + "\",\"prompt\":\"fail\"}")
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.message").isEqualTo("scripted failure");
    }

    private WebTestClient.ResponseSpec post(String body) {
        return http.post().uri("/v1/attention").contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }
}
