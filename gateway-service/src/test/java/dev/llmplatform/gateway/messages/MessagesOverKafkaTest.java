package dev.llmplatform.gateway.messages;

import dev.llmplatform.contracts.ControlMessage;
import dev.llmplatform.contracts.Messages;
import dev.llmplatform.gateway.support.KafkaGatewayTest;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.llmplatform.gateway.support.TestModelStore.MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Messages through Kafka (the token count of {@code message_start} and the generation both answered by the
 * peer): a stream never hangs past its deadline, and one the client abandons is cancelled.
 */
class MessagesOverKafkaTest extends KafkaGatewayTest {

    private static final String HANGING = """
            {"model":"%s","max_tokens":5,"stream":true,"messages":[{"role":"user","content":"hang on"}]}""";

    @Test
    void shouldEndAStreamThatStallsAtTheClientsDeadlineWithAnErrorEventAndADeadlineCancel() {
        long start = System.nanoTime();
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/v1/messages"))
                .header("Content-Type", "application/json").header("X-Request-Timeout", "1.5")
                .POST(HttpRequest.BodyPublishers.ofString(HANGING.formatted(MODEL))).build());
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(millis).as("the 5 s configured timeout must not be the one that fired").isBetween(1_400L, 4_000L);
        List<String[]> events = events(response.body());
        assertThat(events.getFirst()[0]).isEqualTo("message_start");
        assertThat(events).anySatisfy(e -> assertThat(e[1]).contains("\"text\":\"Once\""));
        String[] last = events.getLast();
        assertThat(last[0]).isEqualTo("error");
        JsonNode error = Messages.mapper().readTree(last[1]);
        assertThat(error.get("type").asString()).isEqualTo("error");
        assertThat(error.get("error").get("type").asString()).isEqualTo("api_error");
        assertThat(error.get("error").get("message").asString()).contains("1.5 s");
        String id = Messages.mapper().readTree(events.getFirst()[1]).get("message").get("id").asString();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(peer.controls())
                .contains(ControlMessage.Cancel.of(id, ControlMessage.Reason.DEADLINE)));
    }

    @Test
    void shouldPublishAClientCancelWhenTheClientAbandonsAStream() {
        String first = WebClient.create("http://localhost:" + port).post().uri("/v1/messages")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(HANGING.formatted(MODEL))
                .retrieve().bodyToFlux(String.class)
                .take(1)                       // message_start, then cancel: the connection closes under the stream
                .blockLast(Duration.ofSeconds(20));
        String id = Messages.mapper().readTree(first).get("message").get("id").asString();

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(peer.controls())
                .contains(ControlMessage.Cancel.of(id, ControlMessage.Reason.CLIENT)));
    }

    /** Each SSE event as {name, data}. */
    private static List<String[]> events(String body) {
        List<String[]> events = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            String name = null;
            String data = null;
            for (String line : block.split("\n")) {
                if (line.startsWith("event:")) {
                    name = line.substring("event:".length()).strip();
                } else if (line.startsWith("data:")) {
                    data = line.substring("data:".length()).strip();
                }
            }
            if (name != null) {
                events.add(new String[]{name, data});
            }
        }
        return events;
    }
}
