package dev.llmplatform.gateway.chat;

import dev.llmplatform.gateway.support.ScriptedGenerationClient;
import dev.llmplatform.gateway.support.SliceTestBackend;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** Chat requests the gateway refuses, each with a 400 (404 for a model) naming the parameter, nothing published. */
@WebFluxTest(controllers = ChatController.class, properties = "spring.config.name=gateway")
@Import(SliceTestBackend.class)
class ChatValidationTest {

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
            {"messages":[{"role":"user","content":"hi"}]}                                      | 400 | model
            {"model":"no-such-model","messages":[{"role":"user","content":"hi"}]}              | 404 | model
            {"model":"tiny-encoder","messages":[{"role":"user","content":"hi"}]}               | 400 | model
            {"model":"tiny-llama"}                                                             | 400 | messages
            {"model":"tiny-llama","messages":[]}                                               | 400 | messages
            {"model":"tiny-llama","messages":[{"role":"tool","content":"hi"}]}                 | 400 | messages[0].tool_call_id
            {"model":"tiny-llama","messages":[{"role":"critic","content":"hi"}]}               | 400 | messages[0].role
            {"model":"tiny-llama","messages":[{"content":"hi"}]}                               | 400 | messages[0].role
            {"model":"tiny-llama","messages":[{"role":"user"}]}                                | 400 | messages[0].content
            {"model":"tiny-llama","messages":[{"role":"user","content":[{"type":"image_url","image_url":{}}]}]} | 400 | messages[0].content
            {"model":"tiny-llama","messages":[{"role":"user","content":"hi","name":"bob"}]}    | 400 | messages[0].name
            {"model":"tiny-llama","messages":[{"role":"user","content":"hi"}],"tools":[]}      | 400 | tools
            {"model":"tiny-llama","messages":[{"role":"user","content":"hi"}],"top_logprobs":2} | 400 | top_logprobs
            {"model":"tiny-llama","messages":[{"role":"user","content":"hi"}],"logprobs":true,"top_logprobs":21} | 400 | top_logprobs
            {"model":"tiny-llama","messages":[{"role":"user","content":"hi"}],"max_tokens":3,"max_completion_tokens":3} | 400 | max_tokens
            {"model":"tiny-llama","messages":[{"role":"user","content":"hi"}],"max_completion_tokens":0} | 400 | max_completion_tokens
            {"model":"tiny-llama","messages":[{"role":"user","content":"hi"}],"max_completion_tokens":65} | 400 | max_completion_tokens
            {"model":"tiny-llama","messages":[{"role":"user","content":"hi"}],"min_p":-0.1}    | 400 | min_p
            {"model":"tiny-llama","messages":[{"role":"user","content":"hi"}],"logit_bias":{"3":-101}} | 400 | logit_bias
            {"model":"tiny-llama","messages":[{"role":"user","content":"hi"}],"stop":["a","b","c","d","e"]} | 400 | stop
            {"model":"tiny-llama","messages":[{"role":"user","content":"hi"}],"n":0}           | 400 | n
            """)
    void shouldRefuseInvalidChatRequestsNamingTheParameter(String body, int status, String param) {
        http.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange()
                .expectStatus().isEqualTo(status)
                .expectBody()
                .jsonPath("$.error.message").isNotEmpty()
                .jsonPath("$.error.type").isEqualTo("invalid_request_error")
                .jsonPath("$.error.param").isEqualTo(param);
        assertThat(backend.requests()).as("nothing may be published for a refused request").isEmpty();
    }
}
