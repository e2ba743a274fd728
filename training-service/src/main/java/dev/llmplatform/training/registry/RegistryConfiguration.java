package dev.llmplatform.training.registry;

import dev.llmplatform.training.TrainingProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The model registry: the store watcher that announces every model on {@code llm.models}. It lives in
 * the training-service because that service already writes the store; it starts before the service
 * reports ready, so what the store holds is announced before the gateway is asked for it.
 */
@Configuration(proxyBeanMethods = false)
class RegistryConfiguration {

    @Bean(initMethod = "start", destroyMethod = "close")
    StoreWatcher storeWatcher(TrainingProperties properties, KafkaTemplate<String, String> template) {
        return StoreWatcher.create(properties, template);
    }
}
