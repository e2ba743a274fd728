package dev.llmplatform.gateway.generation;

import dev.llmplatform.contracts.ControlMessage;
import dev.llmplatform.contracts.GenerationRequest;
import dev.llmplatform.contracts.Messages;
import dev.llmplatform.gateway.limits.GenerationAdmission;
import dev.llmplatform.gateway.support.KafkaGatewayTest;
import dev.llmplatform.gateway.support.Replies;
import dev.llmplatform.topics.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static dev.llmplatform.gateway.support.TestModelStore.MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client that stops reading its stream: once its socket, the server's write queue and the stream's backlog
 * ({@code max-stream-backlog}, 8 events here) are full, the stream is ended with a {@code slow_consumer} error
 * event, its generation cancelled once and the end counted, and its admission slot freed while the client still
 * reads nothing; another stream runs to its end meanwhile.
 * <p>
 * How many events the socket buffers take before the bound trips depends on the machine, so nothing here
 * counts them. Every wait has a limit, the slow body is read on its own thread and closed when its read
 * overruns, and the whole test has a timeout besides: it fails, it never hangs (it once hung reading a body
 * whose end never came).
 */
@TestPropertySource(properties = {"llm.gateway.limits.max-stream-backlog=8", "llm.gateway.request-timeout=60s"})
class SlowConsumerOverKafkaTest extends KafkaGatewayTest {

    /** 16 KiB of text per event, so that a few hundred events fill any socket buffer. */
    private static final String BIG = "x".repeat(16 * 1024);
    /** Far more than the socket buffers and the server's write queue can hold: the test fails if none ends it. */
    private static final int MOST_EVENTS = 4_000;
    /** The longest any one step of the test may wait. */
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Autowired
    MeterRegistry meters;

    @Autowired
    GenerationAdmission admission;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void shouldEndAStreamWhoseClientStopsReadingWithAnErrorEventAndCancelItWhileOthersFlow() throws Exception {
        String prompt = "hang on " + UUID.randomUUID();
        CompletableFuture<HttpResponse<InputStream>> slow = http.sendAsync(HttpRequest.newBuilder(uri("/v1/completions"))
                .header("Content-Type", "application/json")
                .timeout(WAIT)
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"%s\",\"prompt\":\"%s\",\"stream\":true}".formatted(MODEL, prompt)))
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        String id = await().atMost(WAIT).until(() -> peer.requests().stream()
                .filter(r -> prompt.equals(r.prompt())).map(GenerationRequest::requestId).findFirst(), Optional::isPresent)
                .orElseThrow();
        HttpResponse<InputStream> response = slow.get(WAIT.toSeconds(), TimeUnit.SECONDS);  // headers in; body unread
        ControlMessage cancel = ControlMessage.Cancel.of(id, ControlMessage.Reason.CLIENT);
        // Closing the body aborts the connection, whatever fails below: the server's stream ends with it.
        try (InputStream body = response.body()) {
            assertThat(response.statusCode()).isEqualTo(200);

            // The generation floods the reply partition; the client reads nothing.
            int sent = 0;
            while (sent < MOST_EVENTS && !peer.controls().contains(cancel)) {
                for (int i = 0; i < 50; i++, sent++) {
                    peer.send(Topics.GENERATION_EVENTS.name(), REPLY_PARTITION, id, Replies.delta(id, BIG));
                }
                peer.flush();
                Thread.sleep(20);
            }
            await().atMost(WAIT).untilAsserted(() -> assertThat(peer.controls()).contains(cancel));
            assertThat(sent).as("the cancel came before the flood's end").isLessThan(MOST_EVENTS);

            // The server is done with the stream while its client still reads nothing: counted once, its
            // generation's admission slot free again (the stream does not wait for the client to read first).
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(meters.counter("llm.gateway.streams.slow.consumer").count()).isEqualTo(1.0);
                assertThat(admission.inFlight()).isZero();
            });

            // Meanwhile another stream flows to its end.
            HttpResponse<String> other = post("/v1/completions",
                    "{\"model\":\"%s\",\"prompt\":\"Say hello\",\"max_tokens\":5,\"stream\":true}".formatted(MODEL));
            assertThat(other.statusCode()).isEqualTo(200);
            assertThat(other.body()).contains("\"finish_reason\":\"length\"").endsWith("data: [DONE]\n\n");

            // Now the slow client reads: what its transport took, then the error event and [DONE], then the end.
            List<String> lines = dataLines(body);
            assertThat(lines.size()).as("the client's lines").isGreaterThanOrEqualTo(2);
            assertThat(lines.getLast()).isEqualTo("data: [DONE]");
            JsonNode error = Messages.mapper().readTree(lines.get(lines.size() - 2).substring(6)).get("error");
            assertThat(error).as("the event before [DONE]: %s", lines.get(lines.size() - 2)).isNotNull();
            assertThat(error.get("code").asString()).isEqualTo(ReplyRouter.SLOW_CONSUMER);
            assertThat(error.get("type").asString()).isEqualTo("server_error");
            assertThat(lines.subList(0, lines.size() - 2)).as("events before the error")
                    .hasSizeLessThanOrEqualTo(sent + 1)   // the script's first delta and the flood's
                    .noneMatch(line -> line.contains("\"error\""));
        }
        assertThat(peer.controls()).filteredOn(c -> c.requestId().equals(id)).as("cancels of the slow stream")
                .containsExactly(cancel);
        assertThat(meters.counter("llm.gateway.streams.slow.consumer").count()).isEqualTo(1.0);
    }

    /**
     * The body's {@code data:} lines up to its end, read on a thread of their own: when the end does not come in
     * time the body is closed (which ends the read) and the test fails instead of waiting for ever.
     */
    private static List<String> dataLines(InputStream body) throws Exception {
        CompletableFuture<List<String>> read = new CompletableFuture<>();
        Thread.ofVirtual().name("slow-client-read").start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                read.complete(reader.lines().filter(line -> line.startsWith("data: ")).toList());
            } catch (IOException | RuntimeException e) {
                read.completeExceptionally(e);
            }
        });
        try {
            return read.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            body.close();
            throw new AssertionError("the slow stream did not end within " + WAIT + " once its client read it", e);
        }
    }
}
