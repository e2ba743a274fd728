package dev.llmplatform.kafka;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;

import java.util.HashMap;
import java.util.Map;

/**
 * Producers and consumers of byte-array values for the binary hot-path topics (the step records of
 * {@link dev.llmplatform.contracts.binary.StepCodec}), made from the service's own (Boot-configured)
 * factories so they share its bootstrap servers, security and client settings; {@code overrides} tune
 * them per topic. Keys stay strings.
 */
public final class BinaryKafka {

    private BinaryKafka() {
    }

    /**
     * A byte-array template of its own producer. Not to be declared as a {@code ProducerFactory} or
     * {@code KafkaTemplate} bean (Boot would then skip its own): hold it in a bean and close it there.
     */
    public static Producer producer(ProducerFactory<?, ?> base, Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>(base.getConfigurationProperties());
        config.putAll(overrides);
        var factory = new DefaultKafkaProducerFactory<>(config, new StringSerializer(), new ByteArraySerializer());
        return new Producer(new KafkaTemplate<>(factory), factory);
    }

    /** A byte-array template and the factory whose producer it uses; {@link #close} closes that producer. */
    public record Producer(KafkaTemplate<String, byte[]> template, DefaultKafkaProducerFactory<String, byte[]> factory)
            implements AutoCloseable {
        @Override
        public void close() {
            factory.destroy();
        }
    }

    /** Not to be declared as a {@code ConsumerFactory} bean either: give it to a container factory. */
    public static DefaultKafkaConsumerFactory<String, byte[]> consumerFactory(ConsumerFactory<?, ?> base,
                                                                               Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>(base.getConfigurationProperties());
        config.putAll(overrides);
        return new DefaultKafkaConsumerFactory<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }
}
