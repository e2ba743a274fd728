package dev.llmplatform.kafka;

import dev.llmplatform.contracts.PoisonMessageException;
import dev.llmplatform.topics.Topics;
import org.apache.kafka.common.TopicPartition;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.FixedBackOff;

/** Where records nobody can handle go: {@code <topic>.DLT}, partition 0, with the error in spring-kafka's headers. */
public final class DeadLetters {

    private DeadLetters() {
    }

    /** For listener containers' error handlers and for consumers that poll by hand alike. */
    public static DeadLetterPublishingRecoverer recoverer(KafkaOperations<?, ?> template) {
        return new DeadLetterPublishingRecoverer(template,
                (record, ex) -> new TopicPartition(record.topic() + Topics.DEAD_LETTER_SUFFIX, 0));
    }

    /**
     * The platform's error handler: poison records (unreadable, invalid) go to the dead-letter topic at
     * once; other failures are retried twice, one second apart, then dead-lettered. The consumer keeps going.
     * {@code template} must write the records' value type (a byte-array template for a binary topic).
     */
    public static DefaultErrorHandler errorHandler(KafkaOperations<?, ?> template) {
        var handler = new DefaultErrorHandler(recoverer(template), new FixedBackOff(1000L, 2));
        handler.addNotRetryableExceptions(PoisonMessageException.class, IllegalArgumentException.class,
                NullPointerException.class);
        return handler;
    }
}
