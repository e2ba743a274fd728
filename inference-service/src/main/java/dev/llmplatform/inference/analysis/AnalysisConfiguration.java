package dev.llmplatform.inference.analysis;

import dev.llmplatform.inference.InferenceProperties;
import dev.llmplatform.model.ModelStore;
import dev.llmplatform.topics.Topics;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;

/**
 * Wires embeddings and attention maps. Answers go out through a producer of their own: attention
 * maps are megabytes, past the 1 MB {@code max.request.size} default, and compress well. It is not a
 * bean of its own, so the service's ordinary {@code KafkaTemplate} stays Boot's.
 */
@Configuration(proxyBeanMethods = false)
public class AnalysisConfiguration {

    static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    @Bean
    public AnalysisModels analysisModels(InferenceProperties properties) {
        return new AnalysisModels(new ModelStore(properties.modelStore()), properties.decoderOptions());
    }

    @Bean
    public AnalysisService analysisService(AnalysisModels models) {
        return new AnalysisService(models, InstantSource.system());
    }

    @Bean
    public AnalysisReplyPublisher analysisReplyPublisher(AnalysisProducer producer) {
        return new AnalysisReplyPublisher(new KafkaTemplate<>(producer.factory()), SEND_TIMEOUT);
    }

    @Bean
    AnalysisProducer analysisProducer(KafkaProperties kafka) {
        Map<String, Object> config = new HashMap<>(kafka.buildProducerProperties());
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_REPLY_BYTES);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        return new AnalysisProducer(new DefaultKafkaProducerFactory<>(config));
    }

    /** Holds the answer producer so it is closed with the context. */
    record AnalysisProducer(DefaultKafkaProducerFactory<String, String> factory) implements AutoCloseable {
        @Override
        public void close() {
            factory.destroy();
        }
    }
}
