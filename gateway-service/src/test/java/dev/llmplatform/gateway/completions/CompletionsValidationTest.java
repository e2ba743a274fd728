package dev.llmplatform.gateway.completions;

import dev.llmplatform.gateway.models.ModelsController;
import dev.llmplatform.gateway.support.ScriptedGenerationClient;
import dev.llmplatform.gateway.support.SliceTestBackend;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static dev.llmplatform.gateway.support.SliceTestBackend.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

/** Every way a completion request can be refused, answered with OpenAI's error body and nothing published. */
@WebFluxTest(controllers = {CompletionsController.class, ModelsController.class},
        properties = "spring.config.name=gateway")
@Import(SliceTestBackend.class)
class CompletionsValidationTest {

    @Autowired
    WebTestClient http;

    @Autowired
    ScriptedGenerationClient backend;

    @BeforeEach
    void forgetRequests() {
        backend.clear();
    }

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
            {"prompt":"hi"}                                              | 400 | model
            {"model":"","prompt":"hi"}                                   | 400 | model
            {"model":"no-such-model","prompt":"hi"}                      | 404 | model
            {"model":"tiny-encoder","prompt":"hi"}                       | 400 | model
            {"model":"tiny-llama"}                                       | 400 | prompt
            {"model":"tiny-llama","prompt":""}                           | 400 | prompt
            {"model":"tiny-llama","prompt":[]}                           | 400 | prompt
            {"model":"tiny-llama","prompt":["one",""]}                   | 400 | prompt
            {"model":"tiny-llama","prompt":["one",2]}                    | 400 | prompt
            {"model":"tiny-llama","prompt":["a","b","c","d","e"],"n":16} | 400 | prompt
            {"model":"tiny-llama","prompt":[1,-2]}                       | 400 | prompt
            {"model":"tiny-llama","prompt":[1.5]}                        | 400 | prompt
            {"model":"tiny-llama","prompt":[[]]}                         | 400 | prompt
            {"model":"tiny-llama","prompt":[[1],"a"]}                    | 400 | prompt
            {"model":"tiny-llama","prompt":["a",[1]]}                    | 400 | prompt
            {"model":"tiny-llama","prompt":42}                           | 400 | prompt
            {"model":"tiny-llama","prompt":"hi","max_tokens":0}          | 400 | max_tokens
            {"model":"tiny-llama","prompt":"hi","max_tokens":-3}         | 400 | max_tokens
            {"model":"tiny-llama","prompt":"hi","max_tokens":65}         | 400 | max_tokens
            {"model":"tiny-llama","prompt":"hi","max_tokens":"many"}     | 400 | max_tokens
            {"model":"tiny-llama","prompt":"hi","temperature":-0.5}      | 400 | temperature
            {"model":"tiny-llama","prompt":"hi","temperature":2.01}      | 400 | temperature
            {"model":"tiny-llama","prompt":"hi","top_p":0}               | 400 | top_p
            {"model":"tiny-llama","prompt":"hi","top_p":1.5}             | 400 | top_p
            {"model":"tiny-llama","prompt":"hi","top_k":-2}              | 400 | top_k
            {"model":"tiny-llama","prompt":"hi","presence_penalty":3}    | 400 | presence_penalty
            {"model":"tiny-llama","prompt":"hi","n":0}                   | 400 | n
            {"model":"tiny-llama","prompt":"hi","min_tokens":-1}         | 400 | min_tokens
            {"model":"tiny-llama","prompt":"hi","max_tokens":4,"min_tokens":5} | 400 | min_tokens
            {"model":"tiny-llama","prompt":"hi","ignore_eos":"yes"}      | 400 | ignore_eos
            {"model":"tiny-llama","prompt":"hi","n":17}                  | 400 | n
            {"model":"tiny-llama","prompt":"hi","min_p":1.5}             | 400 | min_p
            {"model":"tiny-llama","prompt":"hi","frequency_penalty":-2.5} | 400 | frequency_penalty
            {"model":"tiny-llama","prompt":"hi","repetition_penalty":0}  | 400 | repetition_penalty
            {"model":"tiny-llama","prompt":"hi","logit_bias":{"abc":1}}  | 400 | logit_bias
            {"model":"tiny-llama","prompt":"hi","logit_bias":{"-5":1}}   | 400 | logit_bias
            {"model":"tiny-llama","prompt":"hi","logit_bias":{"5":101}}  | 400 | logit_bias
            {"model":"tiny-llama","prompt":"hi","logprobs":6}            | 400 | logprobs
            {"model":"tiny-llama","prompt":"hi","logprobs":-1}           | 400 | logprobs
            {"model":"tiny-llama","prompt":"hi","stream_options":{"include_usage":true}} | 400 | stream_options
            {"model":"tiny-llama","prompt":"hi","stream":true,"stream_options":{"foo":1}} | 400 | stream_options.foo
            {"model":"tiny-llama","prompt":"hi","best_of":2}             | 400 | best_of
            {"model":"tiny-llama","prompt":"hi","suffix":"!"}            | 400 | suffix
            {"model":"tiny-llama","prompt":"hi","stop":["a","b","c","d","e"]} | 400 | stop
            {"model":"tiny-llama","prompt":"hi","stop":""}               | 400 | stop
            {"model":"tiny-llama","prompt":"hi","stream":"perhaps"}      | 400 | stream
            {"model": "tiny-llama", "prompt":                            | 400 | null
            [1, 2, 3]                                                    | 400 | null
            """)
    void shouldRefuseInvalidRequestsNamingTheParameter(String body, int status, String param) {
        var error = http.post().uri("/v1/completions").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange()
                .expectStatus().isEqualTo(status)
                .expectHeader().contentType(MediaType.APPLICATION_JSON)
                .expectBody()
                .jsonPath("$.error.message").isNotEmpty()
                .jsonPath("$.error.type").isEqualTo("invalid_request_error")
                .jsonPath("$.error.param").isEqualTo(param)
                .jsonPath("$.error.code").isEqualTo(status == 404 ? "model_not_found" : null);
        assertThat(backend.requests()).as("nothing may be published for a refused request").isEmpty();
    }

    @Test
    void shouldRefuseAnUnknownParameterNamingItBeforeAnythingElse() {
        http.post().uri("/v1/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"no-such-model\",\"prompt\":\"hi\",\"foo\":1}")
                .exchange()
                .expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.error.message").isEqualTo("Unrecognized request argument supplied: foo")
                .jsonPath("$.error.param").isEqualTo("foo");
        http.post().uri("/v1/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"%s\",\"prompt\":\"hi\",\"tools\":[],\"foo\":null}".formatted(MODEL))
                .exchange()
                .expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.error.message").isEqualTo("Unrecognized request arguments supplied: foo, tools");
        assertThat(backend.requests()).isEmpty();
    }

    @Test
    void shouldRefuseAMalformedRequestTimeoutHeader() {
        for (String timeout : new String[]{"soon", "0", "-3"}) {
            http.post().uri("/v1/completions").contentType(MediaType.APPLICATION_JSON)
                    .header("X-Request-Timeout", timeout)
                    .bodyValue("{\"model\":\"%s\",\"prompt\":\"hi\"}".formatted(MODEL))
                    .exchange()
                    .expectStatus().isBadRequest()
                    .expectBody()
                    .jsonPath("$.error.message").value(m -> assertThat((String) m).contains("X-Request-Timeout"));
        }
        assertThat(backend.requests()).isEmpty();
    }

    @Test
    void shouldAnswerMalformedJsonWith400SayingSo() {
        http.post().uri("/v1/completions").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"model\": \"x\", ")
                .exchange()
                .expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.error.message").value(m -> assertThat((String) m).contains("not valid JSON"))
                .jsonPath("$.error.param").isEmpty();
    }

    @Test
    void shouldAnswerAMissingBodyWith400() {
        http.post().uri("/v1/completions").contentType(MediaType.APPLICATION_JSON)
                .exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.type").isEqualTo("invalid_request_error");
    }

    @Test
    void shouldAnswerAnUnsupportedMediaTypeWith415() {
        http.post().uri("/v1/completions").contentType(MediaType.TEXT_PLAIN).bodyValue("model=tiny-llama")
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE)
                .expectBody().jsonPath("$.error.message").value(m -> assertThat((String) m).contains("application/json"));
    }

    @Test
    void shouldAnswerAnUnknownRouteWith404InOpenAiShape() {
        http.post().uri("/v1/nothing-here").contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
                .exchange()
                .expectStatus().isNotFound()
                .expectBody()
                .jsonPath("$.error.message").isEqualTo("Invalid URL (POST /v1/nothing-here)")
                .jsonPath("$.error.type").isEqualTo("invalid_request_error");
    }

    @Test
    void shouldAnswerAWrongMethodWith405NamingTheAllowedOne() {
        http.get().uri("/v1/completions")
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.METHOD_NOT_ALLOWED)
                .expectHeader().valueEquals("Allow", "POST")
                .expectBody().jsonPath("$.error.message").value(m -> assertThat((String) m).contains("POST"));
    }

    @Test
    void shouldAcceptAOneElementPromptArrayAndAStopString() {
        http.post().uri("/v1/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"%s\",\"prompt\":[\"Once\"],\"stop\":\"\\n\"}".formatted(MODEL))
                .exchange()
                .expectStatus().isOk();
        assertThat(backend.requests()).singleElement().satisfies(request -> {
            assertThat(request.prompt()).isEqualTo("Once");
            assertThat(request.stop()).containsExactly("\n");
        });
    }
}
