package dev.llmplatform.kafka;

import dev.llmplatform.contracts.ControlMessage;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.ReplyTo;
import dev.llmplatform.topics.Topics;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TopicRecordsTest {

    @Test
    void shouldAddressARecordToItsTopicWithTheValueInTheTopicsCodec() {
        var cancel = ControlMessage.Cancel.of("r1", ControlMessage.Reason.CLIENT);

        var record = TopicRecords.record(Topics.GENERATION_CONTROL, "r1", cancel);
        var bytes = TopicRecords.bytes(Topics.GENERATION_CONTROL, "r1", cancel);

        assertThat(record.topic()).isEqualTo("llm.generation.control");
        assertThat(record.key()).isEqualTo("r1");
        assertThat(record.partition()).isNull();
        assertThat(Topics.GENERATION_CONTROL.decode(record.value())).isEqualTo(cancel);
        assertThat(Topics.GENERATION_CONTROL.decode(bytes.value())).isEqualTo(cancel);
    }

    @Test
    void shouldSendAReplyToThePartitionTheRequestNamedKeyedByItsId() {
        var event = new GenerationEvent.Detokenized(1, "r7", "hi");

        var record = TopicRecords.reply(new ReplyTo("batch-results", 3), event);

        assertThat(record.topic()).isEqualTo("batch-results");
        assertThat(record.partition()).isEqualTo(3);
        assertThat(record.key()).isEqualTo("r7");
        assertThat(Topics.GENERATION_EVENTS.decode(record.value())).isEqualTo(event);
        assertThat(TopicRecords.replyBytes(new ReplyTo("batch-results", 3), event).value())
                .isEqualTo(record.value().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
