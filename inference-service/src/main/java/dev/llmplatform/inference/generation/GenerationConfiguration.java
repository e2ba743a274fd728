package dev.llmplatform.inference.generation;

import dev.llmplatform.contracts.Messages;
import dev.llmplatform.inference.InferenceProperties;
import dev.llmplatform.model.ModelStore;
import dev.llmplatform.topics.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Wires the Spring-free engine to Kafka: token events go to {@link Topics#INFERENCE_TOKENS} keyed by
 * request id; engines are created per model on demand; preloaded models warm up before the service
 * reports ready (runners finish before readiness turns to accepting traffic).
 */
@Configuration(proxyBeanMethods = false)
public class GenerationConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(GenerationConfiguration.class);

    @Bean
    public TokenEventPublisher tokenEventPublisher(KafkaTemplate<String, String> kafka) {
        return new TokenEventPublisher(event -> kafka
                .send(Topics.INFERENCE_TOKENS.name(), event.requestId(), Messages.toJson(event))
                .whenComplete((result, error) -> {
                    if (error != null) {
                        LOG.error("token event of request {} not delivered", event.requestId(), error);
                    }
                }));
    }

    @Bean
    public ModelEngines modelEngines(InferenceProperties properties, TokenEventPublisher publisher) {
        return new ModelEngines(new ModelStore(properties.modelStore()), properties.decoderOptions(),
                properties.engineSettings(), publisher);
    }

    @Bean
    public GenerationService generationService(ModelEngines engines, TokenEventPublisher publisher) {
        return new GenerationService(engines, publisher);
    }

    @Bean
    public RequestBackpressure requestBackpressure(KafkaListenerEndpointRegistry registry, ModelEngines engines) {
        return new RequestBackpressure(registry, GenerationListeners.REQUESTS_LISTENER_ID, engines::anySaturated);
    }

    @Bean
    public ApplicationRunner preloadModels(InferenceProperties properties, ModelEngines engines) {
        return args -> {
            for (String model : properties.preload()) {
                try {
                    engines.get(model, null);
                } catch (ModelUnavailableException e) {
                    LOG.warn("preload of model {} skipped: {}", model, e.getMessage());
                }
            }
        };
    }
}
