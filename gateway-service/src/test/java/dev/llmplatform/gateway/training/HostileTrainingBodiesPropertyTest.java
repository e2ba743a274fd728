package dev.llmplatform.gateway.training;

import dev.llmplatform.gateway.support.HostileAnswers;
import dev.llmplatform.gateway.support.HostileBodies;
import dev.llmplatform.gateway.support.HostileBodies.Hostile;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
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

/** Hostile bodies against {@code POST /v1/training/jobs}: never a 5xx, every refusal OpenAI's error body. */
class HostileTrainingBodiesPropertyTest {

    private static WebTestClient http;

    @BeforeContainer
    static void startSlice() throws Exception {
        Slice slice = new Slice();
        new TestContextManager(Slice.class).prepareTestInstance(slice);
        http = slice.http.mutate().responseTimeout(Duration.ofSeconds(20))
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(64 * 1024 * 1024)).build();
    }

    @Property(tries = 100, seed = "20261206")
    void shouldNeverAnswerAHostileTrainingJobWithA5xx(@ForAll("bodies") Hostile request) {
        EntityExchangeResult<byte[]> result = http.post().uri(request.endpoint().path())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(request.body())
                .exchange()
                .expectBody().returnResult();
        HostileAnswers.check(request.endpoint().path(), result, request);
    }

    @Provide
    Arbitrary<Hostile> bodies() {
        return HostileBodies.of(List.of(HostileBodies.TRAINING));
    }

    @WebFluxTest(controllers = TrainingController.class, properties = "spring.config.name=gateway")
    @Import(TrainingSliceBackend.class)
    static class Slice {

        @Autowired
        WebTestClient http;
    }
}
