package dev.llmplatform.gateway.models;

import dev.llmplatform.gateway.GatewayProperties;
import dev.llmplatform.model.ModelStore;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The model store (generation defaults) and the registry the registry topic fills. */
@Configuration(proxyBeanMethods = false)
class ModelsConfiguration {

    @Bean
    ModelStore modelStore(GatewayProperties gateway) {
        return new ModelStore(gateway.modelStore());
    }

    @Bean
    ModelRegistry modelRegistry() {
        return new ModelRegistry();
    }
}
