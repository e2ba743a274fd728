package dev.llmplatform.inference.orphans;

import dev.llmplatform.inference.InferenceProperties;
import dev.llmplatform.inference.generation.GenerationService;
import dev.llmplatform.inference.generation.TokenEventPublisher;
import dev.llmplatform.kafka.DeadLetters;
import dev.llmplatform.topics.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** Wires the {@link OrphanReaper} with a consumer and a producer of its own (heartbeats must not queue behind tokens). */
@Configuration(proxyBeanMethods = false)
class OrphanConfiguration {

    /** Heartbeats of this replica; closed after the reaper (which uses it) by the bean order. */
    @Bean(destroyMethod = "close")
    HeartbeatProducer heartbeatProducer(KafkaProperties kafka) {
        Map<String, Object> config = new HashMap<>(kafka.buildProducerProperties());
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000);   // the sweep thread must not wait long on a gone broker
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return new HeartbeatProducer(new KafkaProducer<>(config, new StringSerializer(), new StringSerializer()));
    }

    @Bean(destroyMethod = "close")
    OrphanReaper orphanReaper(KafkaProperties kafka, InferenceProperties properties, TokenEventPublisher publisher,
                              GenerationService generation, MeterRegistry meters, HeartbeatProducer heartbeats,
                              KafkaOperations<?, ?> kafkaTemplate, ObjectProvider<KafkaAdmin> admin) {
        // The reaper's thread starts polling at once: create the topics first (KafkaAdmin would do it only after
        // every bean is made), or its first fetch warns of an unknown llm.heartbeats on every start.
        admin.ifAvailable(KafkaAdmin::initialize);
        DeadLetterPublishingRecoverer deadLetters = DeadLetters.recoverer(kafkaTemplate, meters);
        Map<String, Object> consumerConfig = new HashMap<>(kafka.buildConsumerProperties());
        consumerConfig.remove(ConsumerConfig.GROUP_ID_CONFIG);
        consumerConfig.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Counter cancelled = Counter.builder("llm.inference.orphans.cancelled")
                .description("generations cancelled because their gateway stopped sending heartbeats").register(meters);
        return new OrphanReaper(new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new StringDeserializer()),
                (key, json) -> heartbeats.producer().send(new ProducerRecord<>(Topics.HEARTBEATS.name(), key, json)),
                publisher::openReplyTargets, generation::cancel, cancelled::increment, deadLetters::accept, properties.orphanTimeout(),
                "inference-" + UUID.randomUUID().toString().substring(0, 8), System::currentTimeMillis);
    }

    record HeartbeatProducer(KafkaProducer<String, String> producer) implements AutoCloseable {
        @Override
        public void close() {
            producer.close(Duration.ofSeconds(1));
        }
    }
}
