package dev.llmplatform.tokenizer.generation;

import dev.llmplatform.kafka.BinaryKafka;
import dev.llmplatform.kafka.DeadLetters;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.kafka.autoconfigure.ConcurrentKafkaListenerContainerFactoryConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.ContainerPostProcessor;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;

import java.util.Map;

/**
 * The token path's Kafka plumbing: step records are binary, so the token listener reads byte arrays
 * through a container factory of its own (Boot's settings otherwise), whose error handler dead-letters
 * through a byte-array producer; the same producer publishes the path's output. No observation on that
 * container (a span per token event would be most of the path's cost, and batch listeners are not
 * observed anyway; the listener carries each event's trace context onto what it sends instead).
 */
@Configuration(proxyBeanMethods = false)
class TokenPathContainer {

    static final String BEAN = "tokenEventsContainerPostProcessor";
    static final String FACTORY = "tokenPathListenerContainerFactory";

    @Bean(destroyMethod = "close")
    BinaryKafka.Producer tokenPathProducer(ProducerFactory<?, ?> base) {
        return BinaryKafka.producer(base, Map.of());
    }

    @Bean(FACTORY)
    @SuppressWarnings({"unchecked", "rawtypes"})
    ConcurrentKafkaListenerContainerFactory<String, byte[]> tokenPathListenerContainerFactory(
            ConcurrentKafkaListenerContainerFactoryConfigurer configurer, ConsumerFactory<?, ?> base,
            BinaryKafka.Producer tokenPathProducer, ObjectProvider<MeterRegistry> meters) {
        var factory = new ConcurrentKafkaListenerContainerFactory<String, byte[]>();
        configurer.configure((ConcurrentKafkaListenerContainerFactory) factory,
                (ConsumerFactory) BinaryKafka.consumerFactory(base, Map.of()));
        factory.setCommonErrorHandler(DeadLetters.errorHandler(tokenPathProducer.template(), meters.getIfUnique()));
        return factory;
    }

    @Bean(BEAN)
    ContainerPostProcessor<String, byte[], AbstractMessageListenerContainer<String, byte[]>> tokenEventsContainerPostProcessor() {
        return container -> container.getContainerProperties().setObservationEnabled(false);
    }
}
