package dev.llmplatform.gateway.hostile;

import dev.llmplatform.gateway.batches.BatchesController;
import dev.llmplatform.gateway.batches.BatchesService;
import dev.llmplatform.gateway.chat.ChatController;
import dev.llmplatform.gateway.completions.CompletionsController;
import dev.llmplatform.gateway.embeddings.EmbeddingsController;
import dev.llmplatform.gateway.embeddings.EmbeddingsService;
import dev.llmplatform.gateway.messages.AnthropicErrors;
import dev.llmplatform.gateway.messages.MessagesController;
import dev.llmplatform.gateway.messages.MessagesService;
import dev.llmplatform.gateway.models.ModelsController;
import dev.llmplatform.gateway.responses.ResponsesController;
import dev.llmplatform.gateway.responses.ResponsesService;
import dev.llmplatform.gateway.support.HostileAnswers;
import dev.llmplatform.gateway.support.HostileBodies;
import dev.llmplatform.gateway.support.HostileBodies.Hostile;
import dev.llmplatform.gateway.support.SliceTestBackend;
import dev.llmplatform.gateway.tokenize.TokenizeController;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestContextManager;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.time.Duration;
import java.util.List;

/**
 * Hostile JSON bodies against every generation endpoint (chat, completions, embeddings, responses,
 * messages, tokenize, batches), the real controllers, validators and error handler over the scripted
 * back end: never a 5xx, and every refusal is an error body in the endpoint's shape.
 */
class HostileBodiesPropertyTest {

    private static WebTestClient http;

    /** jqwik runs outside Spring's JUnit extension, so the slice's context is built by hand (and cached by Spring). */
    @BeforeContainer
    static void startSlice() throws Exception {
        Slice slice = new Slice();
        new TestContextManager(Slice.class).prepareTestInstance(slice);
        // Large enough to read whatever comes back, so an answer that echoes a huge input is seen and checked.
        http = slice.http.mutate().responseTimeout(Duration.ofSeconds(20))
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(64 * 1024 * 1024)).build();
    }

    @Property(tries = 250, seed = "20261206")
    void shouldNeverAnswerAHostileBodyWithA5xxAndAlwaysWithAnErrorBody(@ForAll("bodies") Hostile request) {
        EntityExchangeResult<byte[]> result = http.post().uri(request.endpoint().path())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(request.body())
                .exchange()
                .expectBody().returnResult();
        HostileAnswers.check(request.endpoint().path(), result, request);
        Statistics.label("answer").collect(request.endpoint().path(), result.getStatus().value());
    }

    @Provide
    Arbitrary<Hostile> bodies() {
        return HostileBodies.of(List.of(HostileBodies.CHAT, HostileBodies.COMPLETIONS, HostileBodies.EMBEDDINGS,
                HostileBodies.RESPONSES, HostileBodies.MESSAGES, HostileBodies.TOKENIZE, HostileBodies.BATCHES));
    }

    /** The same slice as {@link ModelNamesTest}'s, so both share one cached context. */
    @WebFluxTest(controllers = {ChatController.class, CompletionsController.class, EmbeddingsController.class,
            ResponsesController.class, MessagesController.class, TokenizeController.class, BatchesController.class,
            ModelsController.class},
            properties = "spring.config.name=gateway")
    @Import({SliceTestBackend.class, EmbeddingsService.class, ResponsesService.class, MessagesService.class,
            AnthropicErrors.class, BatchesService.class})
    static class Slice {

        @Autowired
        WebTestClient http;
    }
}
