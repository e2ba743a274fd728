package dev.llmplatform.gateway.training;

import dev.llmplatform.contracts.Messages;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Every way a training request can be refused: a 400 naming the parameter, and nothing published. */
@WebFluxTest(controllers = TrainingController.class, properties = "spring.config.name=gateway")
@Import(TrainingSliceBackend.class)
class TrainingValidationTest {

    /** A valid request; each case below breaks one part of it. */
    static final String VALID = """
            {"model":"my-model","dataset":{"type":"synthetic","seed":7,"documents":100},
             "tokenizer":{"vocab_size":512},
             "architecture":{"layers":2,"hidden":64,"heads":4,"kv_heads":2,"context":64},
             "steps":100,"batch_size":8,"learning_rate":0.001,"seed":1}""";

    @Autowired
    WebTestClient http;

    @Autowired
    RecordingJobPublisher publisher;

    @BeforeEach
    void forget() {
        publisher.clear();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
            "model":null                                                        | model
            "model":""                                                          | model
            "model":"../escape"                                                 | model
            "model":"a/b"                                                       | model
            "model":"ｍｙ-model"                                                 | model
            "model":"my‐model"                                             | model
            "model":"/abs"                                                      | model
            "dataset":null                                                      | dataset
            "dataset":"synthetic"                                               | dataset
            "dataset":{"type":"web"}                                            | dataset.type
            "dataset":{"seed":1}                                                | dataset.type
            "dataset":{"type":"synthetic","documents":0}                        | dataset.documents
            "dataset":{"type":"synthetic","path":"x.txt"}                       | dataset.path
            "dataset":{"type":"files"}                                          | dataset.path
            "dataset":{"type":"files","path":" "}                               | dataset.path
            "dataset":{"type":"files","path":"/etc/passwd"}                     | dataset.path
            "dataset":{"type":"files","path":"\\\\server\\\\share"}             | dataset.path
            "dataset":{"type":"files","path":"C:/data/x.txt"}                   | dataset.path
            "dataset":{"type":"files","path":"../outside.txt"}                  | dataset.path
            "dataset":{"type":"files","path":"corpus/../../outside.txt"}        | dataset.path
            "dataset":{"type":"files","path":"corpus/..\\\\x"}                  | dataset.path
            "dataset":{"type":"files","path":"．．/secret.txt"}                   | dataset.path
            "dataset":{"type":"files","path":"corpus／x.txt"}                    | dataset.path
            "dataset":{"type":"files","path":"corpus/․․/x.txt"}       | dataset.path
            "dataset":{"type":"files","path":"a\\u202etxt.exe"}               | dataset.path
            "dataset":{"type":"files","path":"a\\u0000.txt"}                  | dataset.path
            "dataset":{"type":"files","path":"a.txt","documents":3}             | dataset.documents
            "tokenizer":null                                                    | tokenizer
            "tokenizer":{}                                                      | tokenizer
            "tokenizer":{"vocab_size":512,"reuse_model":"tiny-llama"}           | tokenizer
            "tokenizer":{"vocab_size":259}                                      | tokenizer.vocab_size
            "tokenizer":{"vocab_size":32001}                                    | tokenizer.vocab_size
            "tokenizer":{"vocab_size":"big"}                                    | tokenizer.vocab_size
            "tokenizer":{"reuse_model":"no-such-model"}                         | tokenizer.reuse_model
            "tokenizer":{"reuse_model":"../tiny-llama"}                         | tokenizer.reuse_model
            "tokenizer":{"reuse_model":"tiny‐llama"}                            | tokenizer.reuse_model
            "architecture":null                                                 | architecture
            "architecture":{"hidden":64,"heads":4,"context":64}                 | architecture.layers
            "architecture":{"layers":0,"hidden":64,"heads":4,"context":64}      | architecture.layers
            "architecture":{"layers":13,"hidden":64,"heads":4,"context":64}     | architecture.layers
            "architecture":{"layers":2,"hidden":8,"heads":2,"context":64}       | architecture.hidden
            "architecture":{"layers":2,"hidden":2048,"heads":4,"context":64}    | architecture.hidden
            "architecture":{"layers":2,"hidden":64,"context":64}                | architecture.heads
            "architecture":{"layers":2,"hidden":64,"heads":0,"context":64}      | architecture.heads
            "architecture":{"layers":2,"hidden":64,"heads":5,"context":64}      | architecture.heads
            "architecture":{"layers":2,"hidden":64,"heads":64,"context":64}     | architecture.heads
            "architecture":{"layers":2,"hidden":64,"heads":4,"kv_heads":3,"context":64} | architecture.kv_heads
            "architecture":{"layers":2,"hidden":64,"heads":4,"kv_heads":0,"context":64} | architecture.kv_heads
            "architecture":{"layers":2,"hidden":64,"heads":4,"kv_heads":8,"context":64} | architecture.kv_heads
            "architecture":{"layers":2,"hidden":64,"heads":4}                   | architecture.context
            "architecture":{"layers":2,"hidden":64,"heads":4,"context":4}       | architecture.context
            "architecture":{"layers":2,"hidden":64,"heads":4,"context":2048}    | architecture.context
            "architecture":{"layers":2,"hidden":64,"heads":4,"context":64,"intermediate":0} | architecture.intermediate
            "steps":null                                                        | steps
            "steps":0                                                           | steps
            "steps":100001                                                      | steps
            "steps":"many"                                                      | steps
            "steps":1e12                                                        | steps
            "steps":99999999999999999999                                        | steps
            "batch_size":null                                                   | batch_size
            "batch_size":0                                                      | batch_size
            "batch_size":257                                                    | batch_size
            "learning_rate":null                                                | learning_rate
            "learning_rate":0                                                   | learning_rate
            "learning_rate":-0.1                                                | learning_rate
            "learning_rate":1.5                                                 | learning_rate
            "seed":"lucky"                                                      | seed
            "checkpoint_every":0                                                | checkpoint_every
            "checkpoint_every":101                                              | checkpoint_every
            "eval_every":0                                                      | eval_every
            "eval_every":101                                                    | eval_every
            """)
    void shouldRefuseAnInvalidRequestNamingTheParameter(String override, String param) {
        http.post().uri("/v1/training/jobs").contentType(MediaType.APPLICATION_JSON).bodyValue(with(override))
                .exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_JSON)
                .expectBody()
                .jsonPath("$.error.message").isNotEmpty()
                .jsonPath("$.error.type").isEqualTo("invalid_request_error")
                .jsonPath("$.error.param").isEqualTo(param);
        assertThat(publisher.published()).as("nothing may be published for a refused request").isEmpty();
    }

    @Test
    void shouldAcceptTheBaseRequestSoEachCaseAboveFailsForItsOwnReason() {
        http.post().uri("/v1/training/jobs").contentType(MediaType.APPLICATION_JSON).bodyValue(VALID)
                .exchange()
                .expectStatus().isAccepted();
        assertThat(publisher.published()).hasSize(1);
    }

    @Test
    void shouldRefuseVeryLongNamesAndPathsNamingTheField() {
        for (String[] override : new String[][]{
                {"\"model\":\"" + "m".repeat(129) + "\"", "model"},
                {"\"dataset\":{\"type\":\"files\",\"path\":\"" + "d".repeat(256) + ".txt\"}", "dataset.path"},
                {"\"dataset\":{\"type\":\"files\",\"path\":\"" + "d/".repeat(600) + "x.txt\"}", "dataset.path"}}) {
            http.post().uri("/v1/training/jobs").contentType(MediaType.APPLICATION_JSON).bodyValue(with(override[0]))
                    .exchange()
                    .expectStatus().isBadRequest()
                    .expectBody()
                    .jsonPath("$.error.param").isEqualTo(override[1])
                    .jsonPath("$.error.message").value(m -> assertThat((String) m).hasSizeLessThan(400));
        }
        assertThat(publisher.published()).isEmpty();
    }

    @Test
    void shouldRefuseAMissingOrMalformedBody() {
        http.post().uri("/v1/training/jobs").contentType(MediaType.APPLICATION_JSON)
                .exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.type").isEqualTo("invalid_request_error");
        http.post().uri("/v1/training/jobs").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"model\":")
                .exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.message").value(m -> assertThat((String) m).contains("not valid JSON"));
        assertThat(publisher.published()).isEmpty();
    }

    /** The valid request with one top-level field replaced (or removed, when its value is null). */
    static String with(String override) {
        ObjectNode body = (ObjectNode) Messages.mapper().readTree(VALID);
        ObjectNode patch = (ObjectNode) Messages.mapper().readTree("{" + override + "}");
        patch.properties().forEach(field -> {
            if (field.getValue().isNull()) {
                body.remove(field.getKey());
            } else {
                body.set(field.getKey(), field.getValue());
            }
        });
        return body.toString();
    }
}
