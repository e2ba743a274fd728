package dev.llmplatform.gateway.messages;

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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Messages requests the gateway refuses: Anthropic's error body with the status and type, the message
 * starting with the field it names, nothing published.
 */
@WebFluxTest(controllers = MessagesController.class, properties = "spring.config.name=gateway")
@Import({SliceTestBackend.class, MessagesService.class, AnthropicErrors.class})
class MessagesValidationTest {

    @Autowired
    WebTestClient http;

    @Autowired
    ScriptedGenerationClient backend;

    @BeforeEach
    void forgetRequests() {
        backend.clear();
    }

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource(delimiter = '|', textBlock = """
            {"max_tokens":5,"messages":[{"role":"user","content":"hi"}]}                                    | 400 | invalid_request_error | model
            {"model":"no-such-model","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}            | 404 | not_found_error       | model
            {"model":"tiny-encoder","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}             | 400 | invalid_request_error | model
            {"model":"tiny-llama","messages":[{"role":"user","content":"hi"}]}                              | 400 | invalid_request_error | max_tokens
            {"model":"tiny-llama","max_tokens":0,"messages":[{"role":"user","content":"hi"}]}               | 400 | invalid_request_error | max_tokens
            {"model":"tiny-llama","max_tokens":65,"messages":[{"role":"user","content":"hi"}]}              | 400 | invalid_request_error | max_tokens
            {"model":"tiny-llama","max_tokens":5}                                                           | 400 | invalid_request_error | messages
            {"model":"tiny-llama","max_tokens":5,"messages":[]}                                             | 400 | invalid_request_error | messages
            {"model":"tiny-llama","max_tokens":5,"messages":[{"role":"system","content":"hi"}]}             | 400 | invalid_request_error | messages.0.role
            {"model":"tiny-llama","max_tokens":5,"messages":[{"content":"hi"}]}                             | 400 | invalid_request_error | messages.0.role
            {"model":"tiny-llama","max_tokens":5,"messages":[{"role":"user"}]}                              | 400 | invalid_request_error | messages.0.content
            {"model":"tiny-llama","max_tokens":5,"messages":[{"role":"user","content":7}]}                  | 400 | invalid_request_error | messages.0.content
            {"model":"tiny-llama","max_tokens":5,"messages":[{"role":"user","content":[{"type":"image","source":{}}]}]} | 400 | invalid_request_error | messages.0.content.0.type
            {"model":"tiny-llama","max_tokens":5,"messages":[{"role":"user","content":[{"type":"text","text":"a"},{"type":"tool_result","tool_use_id":"x"}]}]} | 400 | invalid_request_error | messages.0.content.1.tool_use_id
            {"model":"tiny-llama","max_tokens":5,"messages":[{"role":"user","content":[{"type":"text"}]}]}  | 400 | invalid_request_error | messages.0.content.0.text
            {"model":"tiny-llama","max_tokens":5,"messages":[{"role":"user","content":[{"type":"text","text":"a","extra":1}]}]} | 400 | invalid_request_error | messages.0.content.0.extra
            {"model":"tiny-llama","max_tokens":5,"messages":[{"role":"user","content":"hi","name":"bob"}]}  | 400 | invalid_request_error | messages.0.name
            {"model":"tiny-llama","max_tokens":5,"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"The"}]} | 400 | invalid_request_error | messages.1.role
            {"model":"tiny-llama","max_tokens":5,"system":[{"type":"image"}],"messages":[{"role":"user","content":"hi"}]} | 400 | invalid_request_error | system.0.type
            {"model":"tiny-llama","max_tokens":5,"system":3,"messages":[{"role":"user","content":"hi"}]}    | 400 | invalid_request_error | system
            {"model":"tiny-llama","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"tools":[{"name":"f"}]} | 400 | invalid_request_error | tools.0.input_schema
            {"model":"tiny-llama","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"tool_choice":{"type":"any"}} | 400 | invalid_request_error | tool_choice
            {"model":"tiny-llama","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"temperature":1.5} | 400 | invalid_request_error | temperature
            {"model":"tiny-llama","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"top_p":0}     | 400 | invalid_request_error | top_p
            {"model":"tiny-llama","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"top_k":-1}    | 400 | invalid_request_error | top_k
            {"model":"tiny-llama","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"stop_sequences":["a",""]} | 400 | invalid_request_error | stop_sequences.1
            {"model":"tiny-llama","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"stop_sequences":["a","b","c","d","e"]} | 400 | invalid_request_error | stop_sequences
            {"model":"tiny-llama","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"metadata":{"user_id":"u","x":1}} | 400 | invalid_request_error | metadata.x
            {"model":"tiny-llama","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"thinking":{"type":"sometimes"}} | 400 | invalid_request_error | thinking.type
            {"model":"tiny-llama","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"seed":1}      | 400 | invalid_request_error | seed
            {"model":"tiny-llama","max_tokens":"five","messages":[{"role":"user","content":"hi"}]}          | 400 | invalid_request_error | max_tokens
            """)
    void shouldRefuseInvalidMessagesInAnthropicsShapeNamingTheField(String body, int status, String type, String field) {
        http.post().uri("/v1/messages").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange()
                .expectStatus().isEqualTo(status)
                .expectBody()
                .jsonPath("$.type").isEqualTo("error")
                .jsonPath("$.error.type").isEqualTo(type)
                .jsonPath("$.error.message").value(m -> assertThat((String) m).startsWith(field))
                .jsonPath("$.error.param").doesNotExist();
        assertThat(backend.requests()).as("nothing may be published for a refused request").isEmpty();
    }

    @Test
    void shouldRefuseMalformedJsonInAnthropicsShape() {
        http.post().uri("/v1/messages").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"model\":")
                .exchange()
                .expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.type").isEqualTo("error")
                .jsonPath("$.error.type").isEqualTo("invalid_request_error")
                .jsonPath("$.error.message").value(m -> assertThat((String) m).contains("not valid JSON"));
    }

    @Test
    void shouldRefuseCountTokensWithToolsOrAnUnknownModelInAnthropicsShape() {
        http.post().uri("/v1/messages/count_tokens").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"tiny-llama\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"tools\":[{\"name\":\"f\"}]}")
                .exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.message").value(m -> assertThat((String) m).startsWith("tools"));
        http.post().uri("/v1/messages/count_tokens").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"nope\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .exchange()
                .expectStatus().isNotFound()
                .expectBody().jsonPath("$.error.type").isEqualTo("not_found_error");
        assertThat(backend.tokenizerRequests()).as("only the known model is tokenized").isEmpty();
    }
}
