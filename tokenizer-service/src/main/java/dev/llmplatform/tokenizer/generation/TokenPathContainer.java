package dev.llmplatform.tokenizer.generation;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ContainerPostProcessor;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;

/**
 * The token-event listener's container: no observation (a span per token event would be most of the
 * path's cost, and batch listeners are not observed anyway; the listener copies each event's trace
 * context onto what it sends instead).
 */
@Configuration(proxyBeanMethods = false)
class TokenPathContainer {

    static final String BEAN = "tokenEventsContainerPostProcessor";

    @Bean(BEAN)
    ContainerPostProcessor<String, String, AbstractMessageListenerContainer<String, String>> tokenEventsContainerPostProcessor() {
        return container -> container.getContainerProperties().setObservationEnabled(false);
    }
}
