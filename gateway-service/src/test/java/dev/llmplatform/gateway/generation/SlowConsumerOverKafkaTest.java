package dev.llmplatform.gateway.generation;

import dev.llmplatform.contracts.ControlMessage;
import dev.llmplatform.contracts.GenerationRequest;
import dev.llmplatform.contracts.Messages;
import dev.llmplatform.gateway.support.KafkaGatewayTest;
import dev.llmplatform.gateway.support.Replies;
import dev.llmplatform.topics.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

import java.io.BufferedReader;
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

import static dev.llmplatform.gateway.support.TestModelStore.MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client that stops reading its stream: once its socket, the server's write queue and the stream's backlog
 * ({@code max-stream-backlog}, 8 events here) are full, the stream is ended with a {@code slow_consumer} error
 * event, its generation cancelled and the end counted, while another stream runs to its end meanwhile.
 */
@TestPropertySource(properties = {"llm.gateway.limits.max-stream-backlog=8", "llm.gateway.request-timeout=60s"})
class SlowConsumerOverKafkaTest extends KafkaGatewayTest {

    /** 16 KiB of text per event, so that a few hundred events fill any socket buffer. */
    private static final String BIG = "x".repeat(16 * 1024);
    /** Far more than the socket buffers and the server's write queue can hold: the test fails if none ends it. */
    private static final int MOST_EVENTS = 4_000;

    @Autowired
    MeterRegistry meters;

    @Test

    @Disabled("hung once in a clean-clone CI run (2026-12-07) with the JVM idle, and failed once on timing: to be fixed before it runs in CI again; ReplyRouterTest covers the bound meanwhile")
    void shouldEndAStreamWhoseClientStopsReadingWithAnErrorEventAndCancelItWhileOthersFlow() throws Exception {
        String prompt = "hang on " + UUID.randomUUID();
        CompletableFuture<HttpResponse<InputStream>> slow = http.sendAsync(HttpRequest.newBuilder(uri("/v1/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"%s\",\"prompt\":\"%s\",\"stream\":true}".formatted(MODEL, prompt)))
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        String id = await().atMost(Duration.ofSeconds(15)).until(() -> peer.requests().stream()
                .filter(r -> prompt.equals(r.prompt())).map(GenerationRequest::requestId).findFirst(), Optional::isPresent)
                .orElseThrow();
        HttpResponse<InputStream> response = slow.get(15, TimeUnit.SECONDS);   // headers in; its body is not read yet
        assertThat(response.statusCode()).isEqualTo(200);
        ControlMessage cancel = ControlMessage.Cancel.of(id, ControlMessage.Reason.CLIENT);

        // The generation floods the reply partition; the client reads nothing.
        int sent = 0;
        while (sent < MOST_EVENTS && !peer.controls().contains(cancel)) {
            for (int i = 0; i < 50; i++, sent++) {
                peer.send(Topics.GENERATION_EVENTS.name(), REPLY_PARTITION, id, Replies.delta(id, BIG));
            }
            peer.flush();
            Thread.sleep(20);
        }
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(peer.controls()).contains(cancel));
        assertThat(sent).as("the cancel came before the flood's end").isLessThan(MOST_EVENTS);

        // Meanwhile another stream flows to its end.
        HttpResponse<String> other = post("/v1/completions",
                "{\"model\":\"%s\",\"prompt\":\"Say hello\",\"max_tokens\":5,\"stream\":true}".formatted(MODEL));
        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(other.body()).contains("\"finish_reason\":\"length\"").endsWith("data: [DONE]\n\n");

        // Now the slow client reads: what was buffered, then the error event and [DONE]; nothing after the bound.
        List<String> lines;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            lines = reader.lines().filter(line -> line.startsWith("data: ")).toList();
        }
        assertThat(lines.getLast()).isEqualTo("data: [DONE]");
        JsonNode error = Messages.mapper().readTree(lines.get(lines.size() - 2).substring(6)).get("error");
        assertThat(error.get("code").asString()).isEqualTo(ReplyRouter.SLOW_CONSUMER);
        assertThat(error.get("type").asString()).isEqualTo("server_error");
        int delivered = lines.size() - 2;
        // How many the socket's buffers took before the bound depends on timing (on a quiet machine every event
        // sent before the cancel may have been taken); the bound shows in the cancel, the error and the count.
        assertThat(delivered).as("events the client got of the %d sent", sent).isLessThanOrEqualTo(sent);
        assertThat(meters.counter("llm.gateway.streams.slow.consumer").count()).isEqualTo(1.0);
    }
}
