package dev.llmplatform.kafka;

import dev.llmplatform.kafka.failover.FastFailoverPostProcessor;
import dev.llmplatform.topics.Topic;
import dev.llmplatform.topics.Topics;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DefaultErrorHandler;

import java.util.ArrayList;
import java.util.List;

/**
 * What every service needs from Kafka: every topic (and its dead-letter topic) created at
 * start-up, and one error handler that sends poison records to {@code <topic>.DLT} with the
 * error in headers instead of retrying them forever; consumer-group settings for failover in seconds
 * ({@link dev.llmplatform.kafka.failover.FastFailover}); and the {@link TraceCapture} that adapters use
 * to carry a request's trace past a thread change.
 */
@AutoConfiguration
public class PlatformKafkaAutoConfiguration {

    /** Short consumer-group sessions and cooperative rebalances: a dead replica's work moves in seconds. */
    @Bean
    public static FastFailoverPostProcessor fastFailoverPostProcessor() {
        return new FastFailoverPostProcessor();
    }

    @Bean
    public KafkaAdmin.NewTopics platformTopics() {
        List<NewTopic> topics = new ArrayList<>();
        for (Topic<?> spec : Topics.ALL) {
            topics.add(newTopic(spec));
            topics.add(deadLetterTopic(spec));
        }
        return new KafkaAdmin.NewTopics(topics.toArray(NewTopic[]::new));
    }

    static NewTopic newTopic(Topic<?> spec) {
        TopicBuilder builder = TopicBuilder.name(spec.name()).partitions(spec.partitions()).replicas(1)
                .config(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(spec.retention().toMillis()));
        if (spec.compacted()) {
            builder.compact();
        }
        return builder.configs(spec.configs()).build();
    }

    /** A dead-letter topic takes the largest record its topic can hold, or dead-lettering one would fail. */
    static NewTopic deadLetterTopic(Topic<?> spec) {
        TopicBuilder builder = TopicBuilder.name(spec.deadLetter()).partitions(1).replicas(1)
                .config(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(java.time.Duration.ofDays(14).toMillis()));
        String maxMessageBytes = spec.configs().get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
        if (maxMessageBytes != null) {
            builder.config(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, maxMessageBytes);
        }
        return builder.build();
    }

    /**
     * Poison records (unreadable, invalid) go to the dead-letter topic at once; other failures
     * are retried twice, one second apart, then dead-lettered. The consumer keeps going.
     */
    @Bean
    @ConditionalOnMissingBean(CommonErrorHandler.class)
    public DefaultErrorHandler platformErrorHandler(KafkaOperations<?, ?> template, ObjectProvider<MeterRegistry> meters) {
        return DeadLetters.errorHandler(template, meters.getIfUnique());
    }

    /**
     * The tracer is looked up when this bean is created, after every bean is defined, so the order of
     * auto-configurations does not matter; without one (tracing off) records' own headers are carried.
     */
    @Bean
    @ConditionalOnMissingBean
    public TraceCapture traceCapture(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
        return new TraceCapture(tracer.getIfUnique(), propagator.getIfUnique());
    }
}
