package dev.llmplatform.kafka;

import dev.llmplatform.topics.Topics;
import org.apache.kafka.common.TopicPartition;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;

/** Where records nobody can handle go: {@code <topic>.DLT}, partition 0, with the error in spring-kafka's headers. */
public final class DeadLetters {

    private DeadLetters() {
    }

    /** For listener containers' error handlers and for consumers that poll by hand alike. */
    public static DeadLetterPublishingRecoverer recoverer(KafkaOperations<?, ?> template) {
        return new DeadLetterPublishingRecoverer(template,
                (record, ex) -> new TopicPartition(record.topic() + Topics.DEAD_LETTER_SUFFIX, 0));
    }
}
