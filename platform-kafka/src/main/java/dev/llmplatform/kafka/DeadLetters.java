package dev.llmplatform.kafka;

import dev.llmplatform.contracts.PoisonMessageException;
import dev.llmplatform.topics.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.FixedBackOff;

/**
 * Where records nobody can handle go: {@code <topic>.DLT}, partition 0, with the error in spring-kafka's
 * headers; each one counted in {@value #COUNTER} (tag {@code topic}: the topic it came from), so a
 * dashboard sees poison arrive without reading the dead-letter topics.
 */
public final class DeadLetters {

    /** Records dead-lettered by this service, per original topic. */
    public static final String COUNTER = "llm.kafka.dead.letters";

    private DeadLetters() {
    }

    /** For listener containers' error handlers and for consumers that poll by hand alike; uncounted. */
    public static DeadLetterPublishingRecoverer recoverer(KafkaOperations<?, ?> template) {
        return recoverer(template, null);
    }

    /** @param meters where to count dead letters; null counts nothing */
    public static DeadLetterPublishingRecoverer recoverer(KafkaOperations<?, ?> template, MeterRegistry meters) {
        return new Counting(template, meters);
    }

    private static final class Counting extends DeadLetterPublishingRecoverer {

        private final MeterRegistry meters;

        Counting(KafkaOperations<?, ?> template, MeterRegistry meters) {
            super(template, (record, ex) -> new TopicPartition(record.topic() + Topics.DEAD_LETTER_SUFFIX, 0));
            this.meters = meters;
        }

        /** Counted once the record is handed to the producer; a send that fails throws before the count. */
        @Override
        public void accept(ConsumerRecord<?, ?> record, Consumer<?, ?> consumer, Exception exception) {
            super.accept(record, consumer, exception);
            if (meters != null) {
                Counter.builder(COUNTER).description("Records sent to their topic's dead-letter topic")
                        .tag("topic", record.topic()).register(meters).increment();
            }
        }
    }

    /**
     * The platform's error handler: poison records (unreadable, invalid) go to the dead-letter topic at
     * once; other failures are retried twice, one second apart, then dead-lettered. The consumer keeps going.
     * {@code template} must write the records' value type (a byte-array template for a binary topic).
     */
    public static DefaultErrorHandler errorHandler(KafkaOperations<?, ?> template) {
        return errorHandler(template, null);
    }

    /** @param meters where to count dead letters; null counts nothing */
    public static DefaultErrorHandler errorHandler(KafkaOperations<?, ?> template, MeterRegistry meters) {
        var handler = new DefaultErrorHandler(recoverer(template, meters), new FixedBackOff(1000L, 2));
        handler.addNotRetryableExceptions(PoisonMessageException.class, IllegalArgumentException.class,
                NullPointerException.class);
        return handler;
    }
}
