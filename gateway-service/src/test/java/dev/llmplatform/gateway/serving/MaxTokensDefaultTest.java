package dev.llmplatform.gateway.serving;

import dev.llmplatform.contracts.GenerationRequest;
import dev.llmplatform.gateway.chat.ChatController;
import dev.llmplatform.gateway.completions.CompletionsController;
import dev.llmplatform.gateway.responses.ResponsesController;
import dev.llmplatform.gateway.responses.ResponsesService;
import dev.llmplatform.gateway.support.ScriptedGenerationClient;
import dev.llmplatform.gateway.support.SliceTestBackend;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.util.List;

import static dev.llmplatform.gateway.support.SliceTestBackend.CONTEXT_LENGTH;
import static dev.llmplatform.gateway.support.SliceTestBackend.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a request that leaves {@code max_tokens} out may generate: 16 for a completion (OpenAI's and vLLM's legacy
 * default), the rest of the context for chat and the Responses API (vLLM's chat default), never more than the
 * per-request token bound spread over the request's choices, so leaving it out is never a 400.
 */
@WebFluxTest(controllers = {CompletionsController.class, ChatController.class, ResponsesController.class},
        properties = {"spring.config.name=gateway", "llm.gateway.limits.max-tokens-per-request=100"})
@Import({SliceTestBackend.class, ResponsesService.class})
class MaxTokensDefaultTest {

    private static final String HI = "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]";

    @Autowired
    WebTestClient http;

    @Autowired
    ScriptedGenerationClient backend;

    @BeforeEach
    void forgetRequests() {
        backend.clear();
    }

    @Test
    void completionsKeepOpenAisSixteen() {
        post("/v1/completions", "{\"model\":\"%s\",\"prompt\":\"Hi\"}".formatted(MODEL));

        assertThat(maxTokens()).containsExactly(16);
    }

    @Test
    void chatMayGenerateToTheEndOfTheContext() {
        post("/v1/chat/completions", "{\"model\":\"%s\",%s}".formatted(MODEL, HI));

        assertThat(maxTokens()).containsExactly(CONTEXT_LENGTH);
    }

    @Test
    void responsesMayGenerateToTheEndOfTheContext() {
        post("/v1/responses", "{\"model\":\"%s\",\"input\":\"Hi\"}".formatted(MODEL));

        assertThat(maxTokens()).containsExactly(CONTEXT_LENGTH);
    }

    @Test
    void chatChoicesShareThePerRequestBoundInsteadOfBeingRefused() {
        post("/v1/chat/completions", "{\"model\":\"%s\",%s,\"n\":3}".formatted(MODEL, HI));

        assertThat(maxTokens()).as("100 tokens per request over 3 choices, below the context of " + CONTEXT_LENGTH)
                .containsExactly(33, 33, 33);
    }

    @Test
    void anExplicitMaxTokensIsKept() {
        post("/v1/chat/completions", "{\"model\":\"%s\",%s,\"max_tokens\":5}".formatted(MODEL, HI));
        post("/v1/chat/completions", "{\"model\":\"%s\",%s,\"max_completion_tokens\":6}".formatted(MODEL, HI));

        assertThat(maxTokens()).containsExactly(5, 6);
    }

    private List<Integer> maxTokens() {
        return backend.requests().stream().map(GenerationRequest::maxTokens).toList();
    }

    private void post(String path, String body) {
        http.post().uri(path).contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isOk();
    }
}
