package dev.llmplatform.gateway.embeddings;

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

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

import static dev.llmplatform.gateway.support.SliceTestBackend.ENCODER;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code /v1/embeddings}: OpenAI's request and response shapes, its errors, and nothing published for a refusal. */
@WebFluxTest(controllers = EmbeddingsController.class, properties = "spring.config.name=gateway")
@Import({SliceTestBackend.class, EmbeddingsService.class})
class EmbeddingsApiTest {

    @Autowired
    WebTestClient http;

    @Autowired
    ScriptedGenerationClient backend;

    @BeforeEach
    void forgetRequests() {
        backend.clear();
    }

    @Test
    void shouldAnswerOneEmbeddingPerInputInOpenAisShape() {
        post("{\"model\":\"" + ENCODER + "\",\"input\":[\"a dog\",\"the stock market\"],\"user\":\"u-1\"}")
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.object").isEqualTo("list")
                .jsonPath("$.model").isEqualTo(ENCODER)
                .jsonPath("$.data.length()").isEqualTo(2)
                .jsonPath("$.data[0].object").isEqualTo("embedding")
                .jsonPath("$.data[1].index").isEqualTo(1)
                .jsonPath("$.data[1].embedding[0]").isEqualTo(0.5)
                .jsonPath("$.data[1].embedding[2]").isEqualTo(1.0)
                // scripted: each input costs its characters + [CLS] + [SEP]
                .jsonPath("$.usage.prompt_tokens").isEqualTo(5 + 2 + 16 + 2)
                .jsonPath("$.usage.total_tokens").isEqualTo(25);

        var sent = (TokenizerRequest.Embed) backend.tokenizerRequests().getFirst();
        assertThat(sent.inputs()).containsExactly("a dog", "the stock market");
        assertThat(sent.deadlineEpochMs()).isGreaterThan(System.currentTimeMillis());
    }

    @Test
    void shouldEncodeVectorsAsLittleEndianFloat32InBase64() {
        byte[] body = post("{\"model\":\"" + ENCODER + "\",\"input\":\"one\",\"encoding_format\":\"base64\"}")
                .expectStatus().isOk()
                .expectBody().jsonPath("$.data[0].embedding").isNotEmpty()
                .returnResult().getResponseBody();
        String encoded = new String(body).replaceAll("(?s).*\"embedding\":\"([^\"]+)\".*", "$1");

        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(encoded)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new float[]{bytes.getFloat(), bytes.getFloat(), bytes.getFloat()}).containsExactly(0.5f, -0.25f, 0f);
        assertThat(bytes.remaining()).isZero();
    }

    @Test
    void shouldPassOnWhatThePlatformRefuses() {
        post("{\"model\":\"" + ENCODER + "\",\"input\":\"fail\"}")
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.message").isEqualTo("scripted failure");
    }

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource(delimiter = '|', textBlock = """
            {"input":"hi"}                                                   | 400 | model
            {"model":"no-such-model","input":"hi"}                           | 404 | model
            {"model":"tiny-llama","input":"hi"}                              | 400 | model
            {"model":"tiny-encoder"}                                         | 400 | input
            {"model":"tiny-encoder","input":""}                              | 400 | input
            {"model":"tiny-encoder","input":[]}                              | 400 | input
            {"model":"tiny-encoder","input":["ok",""]}                       | 400 | input[1]
            {"model":"tiny-encoder","input":[1,2,3]}                         | 400 | input
            {"model":"tiny-encoder","input":[[1,2]]}                         | 400 | input
            {"model":"tiny-encoder","input":42}                              | 400 | input
            {"model":"tiny-encoder","input":"hi","dimensions":128}           | 400 | dimensions
            {"model":"tiny-encoder","input":"hi","encoding_format":"int8"}   | 400 | encoding_format
            {"model":"tiny-encoder","input":"hi","temperature":1}            | 400 | temperature
            """)
    void shouldRefuseInvalidRequestsWithOpenAisErrorAndPublishNothing(String body, int status, String param) {
        post(body).expectStatus().isEqualTo(status)
                .expectBody()
                .jsonPath("$.error.param").isEqualTo(param)
                .jsonPath("$.error.type").isEqualTo("invalid_request_error");
        assertThat(backend.tokenizerRequests()).isEmpty();
    }

    @Test
    void shouldSayADecoderCannotEmbedAndRefuseMoreThanSixtyFourInputs() {
        post("{\"model\":\"tiny-llama\",\"input\":\"hi\"}").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.message").value(m -> assertThat((String) m)
                        .contains("does not support embeddings"));
        String many = "[" + "\"x\",".repeat(64) + "\"x\"]";
        post("{\"model\":\"" + ENCODER + "\",\"input\":" + many + "}").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.message").isEqualTo("input may hold at most 64 strings, got 65");
    }

    private WebTestClient.ResponseSpec post(String body) {
        return http.post().uri("/v1/embeddings").contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }
}
