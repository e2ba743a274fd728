package dev.llmplatform.gateway.tokenize;

import dev.llmplatform.contracts.ChatMessage;
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

import java.util.List;

import static dev.llmplatform.gateway.support.SliceTestBackend.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code /v1/tokenize} and {@code /v1/detokenize}: the tokenizer request published and vLLM's shapes back. */
@WebFluxTest(controllers = TokenizeController.class, properties = "spring.config.name=gateway")
@Import(SliceTestBackend.class)
class TokenizeApiTest {

    @Autowired
    WebTestClient http;

    @Autowired
    ScriptedGenerationClient backend;

    @BeforeEach
    void forget() {
        backend.clear();
    }

    @Test
    void shouldTokenizeAPromptWithSpecialTokensByDefault() {
        post("/v1/tokenize", "{\"model\":\"%s\",\"prompt\":\"你好🙂\"}".formatted(MODEL))
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.count").isEqualTo(3)
                .jsonPath("$.max_model_len").isEqualTo(64)
                .jsonPath("$.tokens").isEqualTo(List.of("你".codePointAt(0), "好".codePointAt(0), "🙂".codePointAt(0)))
                .jsonPath("$.token_strs").isEqualTo(List.of("你", "好", "🙂"));

        var published = (TokenizerRequest.Tokenize) backend.tokenizerRequests().getFirst();
        assertThat(published.prompt()).isEqualTo("你好🙂");
        assertThat(published.addSpecialTokens()).isTrue();
        assertThat(published.model()).isEqualTo(MODEL);
    }

    @Test
    void shouldTokenizeMessagesWithoutAddedSpecialTokensUnlessAsked() {
        String messages = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        post("/v1/tokenize", "{\"model\":\"%s\",%s}".formatted(MODEL, messages)).expectStatus().isOk()
                .expectBody().jsonPath("$.token_strs").isEqualTo(List.of("u", "s", "e", "r", ":", "h", "i"));
        post("/v1/tokenize", "{\"model\":\"%s\",%s,\"add_special_tokens\":true}".formatted(MODEL, messages))
                .expectStatus().isOk();

        List<TokenizerRequest.Tokenize> published = backend.tokenizerRequests().stream()
                .map(TokenizerRequest.Tokenize.class::cast).toList();
        assertThat(published).extracting(TokenizerRequest.Tokenize::addSpecialTokens).containsExactly(false, true);
        assertThat(published.getFirst().messages()).containsExactly(new ChatMessage("user", "hi"));
        assertThat(published.getFirst().prompt()).isNull();
    }

    @Test
    void shouldPassChatTemplateKwargsWithMessagesAndRefuseThemWithAPrompt() {
        post("/v1/tokenize", "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                .formatted(MODEL) + "\"chat_template_kwargs\":{\"enable_thinking\":false}}").expectStatus().isOk();
        post("/v1/tokenize", "{\"model\":\"%s\",\"prompt\":\"hi\",\"chat_template_kwargs\":{\"a\":1}}".formatted(MODEL))
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("chat_template_kwargs");

        assertThat(backend.tokenizerRequests()).singleElement().isInstanceOfSatisfying(TokenizerRequest.Tokenize.class,
                t -> assertThat(t.chatTemplateKwargs()).isEqualTo(java.util.Map.of("enable_thinking", false)));
    }

    @Test
    void shouldDetokenizeIds() {
        post("/v1/detokenize", "{\"model\":\"%s\",\"tokens\":[%d,%d]}".formatted(MODEL, "你".codePointAt(0), "🙂".codePointAt(0)))
                .expectStatus().isOk()
                .expectBody().jsonPath("$.prompt").isEqualTo("你🙂");
        assertThat(backend.tokenizerRequests()).singleElement().isInstanceOf(TokenizerRequest.Detokenize.class);
    }

    @ParameterizedTest(name = "{0} {1} -> {2} {3}")
    @CsvSource(delimiter = '|', textBlock = """
            /v1/tokenize   | {"prompt":"hi"}                                                  | 400 | model
            /v1/tokenize   | {"model":"no-such-model","prompt":"hi"}                          | 404 | model
            /v1/tokenize   | {"model":"tiny-llama"}                                           | 400 | prompt
            /v1/tokenize   | {"model":"tiny-llama","prompt":"hi","messages":[{"role":"user","content":"hi"}]} | 400 | prompt
            /v1/tokenize   | {"model":"tiny-llama","messages":[{"role":"robot","content":"hi"}]} | 400 | messages[0].role
            /v1/tokenize   | {"model":"tiny-llama","prompt":"hi","add_generation_prompt":true} | 400 | add_generation_prompt
            /v1/detokenize | {"model":"tiny-llama"}                                           | 400 | tokens
            /v1/detokenize | {"model":"tiny-llama","tokens":[1,-2]}                           | 400 | tokens
            /v1/detokenize | {"model":"tiny-llama","tokens":["a"]}                            | 400 | tokens
            /v1/detokenize | {"model":"no-such-model","tokens":[1]}                           | 404 | model
            /v1/detokenize | {"model":"tiny-llama","tokens":[1],"prompt":"x"}                 | 400 | prompt
            """)
    void shouldRefuseBadRequestsNamingTheParameter(String path, String body, int status, String param) {
        post(path, body).expectStatus().isEqualTo(status)
                .expectBody().jsonPath("$.error.param").isEqualTo(param);
        assertThat(backend.tokenizerRequests()).isEmpty();
    }

    private WebTestClient.ResponseSpec post(String path, String body) {
        return http.post().uri(path).contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }
}
