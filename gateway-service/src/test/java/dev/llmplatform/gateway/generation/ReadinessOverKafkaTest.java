package dev.llmplatform.gateway.generation;

import dev.llmplatform.gateway.support.KafkaGatewayTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Status;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** The gateway's readiness: the broker, the listeners and its own reply consumer. */
class ReadinessOverKafkaTest extends KafkaGatewayTest {

    @Autowired
    private ReplyConsumerHealthIndicator replyConsumer;

    @Test
    void shouldBeReadyWhileItsReplyConsumerPollsAndTheBrokerAnswers() {
        HttpResponse<String> readiness = get("/actuator/health/readiness");

        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(readiness.body()).contains("\"status\":\"UP\"");
        assertThat(replyConsumer.health().getStatus()).isEqualTo(Status.UP);
        assertThat(replyConsumer.health().getDetails()).containsEntry("partition", REPLY_PARTITION);
    }
}
