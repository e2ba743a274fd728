package dev.llmplatform.gateway.models;

import dev.llmplatform.gateway.GatewayProperties;
import dev.llmplatform.model.ModelStore;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The model store and the registry listed from it at start-up. */
@Configuration(proxyBeanMethods = false)
class ModelsConfiguration {

    @Bean
    ModelStore modelStore(GatewayProperties gateway) {
        return new ModelStore(gateway.modelStore());
    }

    @Bean
    ModelRegistry modelRegistry(ModelStore store) {
        return ModelRegistry.fromStore(store);
    }
}
