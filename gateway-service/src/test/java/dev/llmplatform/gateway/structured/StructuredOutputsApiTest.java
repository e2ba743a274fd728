package dev.llmplatform.gateway.structured;

import dev.llmplatform.contracts.GenerationRequest;
import dev.llmplatform.contracts.OutputConstraint;
import dev.llmplatform.gateway.chat.ChatController;
import dev.llmplatform.gateway.completions.CompletionsController;
import dev.llmplatform.gateway.support.ScriptedGenerationClient;
import dev.llmplatform.gateway.support.SliceTestBackend;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.util.List;

import static dev.llmplatform.gateway.support.SliceTestBackend.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code response_format}, {@code structured_outputs} and {@code guided_*} on both endpoints: what reaches the
 * generation request, and a 400 in OpenAI's shape naming the parameter for what cannot be compiled.
 */
@WebFluxTest(controllers = {CompletionsController.class, ChatController.class}, properties = "spring.config.name=gateway")
@Import(SliceTestBackend.class)
class StructuredOutputsApiTest {

    private static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"}},\"required\":[\"a\"]}";

    @Autowired
    WebTestClient http;

    @Autowired
    ScriptedGenerationClient backend;

    @BeforeEach
    void forgetRequests() {
        backend.clear();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/completions", "/v1/chat/completions"})
    void shouldCarryEachFormOfConstraintToTheGenerationRequest(String endpoint) {
        assertThat(constraintOf(endpoint, "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"r\",\"strict\":true,\"schema\":" + SCHEMA + "}}"))
                .isEqualTo(OutputConstraint.jsonSchema(SCHEMA));
        assertThat(constraintOf(endpoint, "\"response_format\":{\"type\":\"json_object\"}")).isEqualTo(OutputConstraint.jsonObject());
        assertThat(constraintOf(endpoint, "\"response_format\":{\"type\":\"text\"}")).isNull();
        assertThat(constraintOf(endpoint, "\"structured_outputs\":{\"json\":" + SCHEMA + "}")).isEqualTo(OutputConstraint.jsonSchema(SCHEMA));
        assertThat(constraintOf(endpoint, "\"structured_outputs\":{\"regex\":\"[0-9]{3}\"}")).isEqualTo(OutputConstraint.regex("[0-9]{3}"));
        assertThat(constraintOf(endpoint, "\"structured_outputs\":{\"choice\":[\"yes\",\"no\"]}"))
                .isEqualTo(OutputConstraint.choice(List.of("yes", "no")));
        assertThat(constraintOf(endpoint, "\"guided_json\":\"" + SCHEMA.replace("\"", "\\\"") + "\""))
                .isEqualTo(OutputConstraint.jsonSchema(SCHEMA));
        assertThat(constraintOf(endpoint, "\"guided_regex\":\"a+\"")).isEqualTo(OutputConstraint.regex("a+"));
        assertThat(constraintOf(endpoint, "\"guided_choice\":[\"x\"]")).isEqualTo(OutputConstraint.choice(List.of("x")));
        assertThat(constraintOf(endpoint, "\"n\":2,\"seed\":3,\"response_format\":{\"type\":\"json_object\"}"))
                .as("every choice of n").isEqualTo(OutputConstraint.jsonObject());
        assertThat(backend.requests()).allSatisfy(r -> assertThat(r.sampling().constraint()).isEqualTo(OutputConstraint.jsonObject()));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"r\",\"schema\":{\"not\":{}}}}|response_format.json_schema.schema|'not'",
            "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"schema\":{}}}|response_format.json_schema.name|name",
            "\"response_format\":{\"type\":\"yaml\"}|response_format.type|yaml",
            "\"response_format\":{\"type\":\"json_object\",\"extra\":1}|response_format.extra|extra",
            "\"structured_outputs\":{\"regex\":\"(a\"}|structured_outputs.regex|regular expression",
            "\"structured_outputs\":{\"grammar\":\"root ::= x\"}|structured_outputs.grammar|grammar",
            "\"structured_outputs\":{\"regex\":\"a\",\"choice\":[\"b\"]}|structured_outputs|exactly one",
            "\"guided_json\":{\"type\":\"string\",\"pattern\":\"a\\\\1\"}|guided_json|pattern",
            "\"guided_choice\":[]|guided_choice|choice",
            "\"response_format\":{\"type\":\"json_object\"},\"guided_regex\":\"a\"|guided_regex|Only one"})
    void shouldRefuseWhatCannotBeCompiledNamingTheParameter(String fields, String param, String mention) {
        for (String endpoint : List.of("/v1/completions", "/v1/chat/completions")) {
            post(endpoint, fields).expectStatus().isBadRequest()
                    .expectBody()
                    .jsonPath("$.error.type").isEqualTo("invalid_request_error")
                    .jsonPath("$.error.param").isEqualTo(param)
                    .jsonPath("$.error.message").value(m -> assertThat((String) m).contains(mention));
        }
        assertThat(backend.requests()).as("nothing queued").isEmpty();
    }

    private OutputConstraint constraintOf(String endpoint, String fields) {
        backend.clear();
        post(endpoint, fields).expectStatus().isOk();
        GenerationRequest request = backend.requests().getFirst();
        return request.sampling().constraint();
    }

    private WebTestClient.ResponseSpec post(String endpoint, String fields) {
        String input = endpoint.endsWith("chat/completions") ? "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]"
                : "\"prompt\":\"hi\"";
        return http.post().uri(endpoint).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"" + MODEL + "\"," + input + "," + fields + "}").exchange();
    }
}
