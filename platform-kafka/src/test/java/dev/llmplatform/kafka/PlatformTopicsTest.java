package dev.llmplatform.kafka;

import dev.llmplatform.topics.Topics;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Topic configs beyond partitions and retention reach the topics the services create. */
class PlatformTopicsTest {

    @Test
    void shouldGiveTheReplyTopicAndItsDeadLetterTopicRoomForAttentionMaps() {
        NewTopic events = PlatformKafkaAutoConfiguration.newTopic(Topics.GENERATION_EVENTS);
        NewTopic dlt = PlatformKafkaAutoConfiguration.deadLetterTopic(Topics.GENERATION_EVENTS);

        String size = String.valueOf(Topics.MAX_REPLY_BYTES);
        assertThat(events.configs()).containsEntry("max.message.bytes", size).containsKey("retention.ms");
        assertThat(dlt.configs()).containsEntry("max.message.bytes", size);
        assertThat(PlatformKafkaAutoConfiguration.newTopic(Topics.INFERENCE_ANALYSIS).configs())
                .doesNotContainKey("max.message.bytes");
        assertThat(Topics.ALL).contains(Topics.INFERENCE_ANALYSIS);
    }
}
