package dev.llmplatform.gateway.generation;

import dev.llmplatform.contracts.ReplyTo;
import dev.llmplatform.gateway.GatewayProperties;
import dev.llmplatform.kafka.BinaryKafka;
import dev.llmplatform.kafka.DeadLetters;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import dev.llmplatform.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;

import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;

/** Wires the Kafka generation client: the router, the reply-partition consumer and the publisher. */
@Configuration(proxyBeanMethods = false)
class GenerationConfiguration {

    /** Counts the streams ended because their client read too slowly ({@code llm.gateway.limits.max-stream-backlog}). */
    @Bean
    ReplyRouter replyRouter(GatewayProperties gateway, ObjectProvider<MeterRegistry> meters) {
        MeterRegistry registry = meters.getIfUnique();
        Runnable count = registry == null ? () -> { }
                : registry.counter("llm.gateway.streams.slow.consumer")::increment;
        return new ReplyRouter(gateway.limits().maxStreamBacklog(), count);
    }

    /** Dead-letters unreadable replies, binary step records included, as they came. */
    @Bean(destroyMethod = "close")
    BinaryKafka.Producer replyDeadLetterProducer(ProducerFactory<?, ?> base) {
        return BinaryKafka.producer(base, Map.of());
    }

    @Bean
    ReplyListener replyListener(KafkaProperties kafka, GatewayProperties gateway, ReplyRouter router,
                                BinaryKafka.Producer replyDeadLetterProducer, ObjectProvider<MeterRegistry> meters) {
        TopicPartition partition = new TopicPartition(Topics.GENERATION_EVENTS.name(), gateway.replyPartition());
        var deadLetters = DeadLetters.recoverer(replyDeadLetterProducer.template(), meters.getIfUnique());
        return new ReplyListener(() -> new ReplyPartitionConsumer(replyConsumer(kafka), partition, router,
                deadLetters::accept), router);
    }

    @Bean
    GenerationClient generationClient(KafkaTemplate<String, String> kafkaTemplate, ReplyRouter router,
                                      GatewayProperties gateway) {
        ReplyTo replyTo = new ReplyTo(Topics.GENERATION_EVENTS.name(), gateway.replyPartition());
        return new KafkaGenerationClient(kafkaTemplate, router, replyTo, InstantSource.system());
    }

    @Bean
    GatewayHeartbeats gatewayHeartbeats(KafkaTemplate<String, String> kafkaTemplate, GatewayProperties gateway) {
        return new GatewayHeartbeats(kafkaTemplate, gateway.replyPartition());
    }

    /** Before the gateway reports ready: requests are then published from the event loop, no hand-off. */
    @Bean
    ApplicationRunner generationTopicsMetadata(GenerationClient client) {
        return args -> {
            if (client instanceof KafkaGenerationClient kafka) {
                kafka.warmUp();
            }
        };
    }

    /** Boot's consumer settings without the group: the partition is assigned by hand and nothing is committed. */
    private static KafkaConsumer<String, byte[]> replyConsumer(KafkaProperties kafka) {
        Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties());
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }
}
