package dev.llmplatform.kafka.health;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaAdmin;

import java.time.Duration;
import java.time.InstantSource;

/**
 * Health every service shares: {@code kafkaBroker} (the broker answers, {@link BrokerHealthIndicator}) and
 * {@code kafkaListeners} (the listener containers run, {@link ListenersHealthIndicator}); each service's
 * readiness group includes them.
 */
@AutoConfiguration
@ConditionalOnClass(HealthIndicator.class)
public class KafkaHealthAutoConfiguration {

    /**
     * @param timeout  how long one check may wait for the broker ({@code llm.kafka.health.timeout})
     * @param cacheFor how long its answer is reused ({@code llm.kafka.health.cache-for})
     */
    @Bean(destroyMethod = "close")
    public BrokerHealthIndicator kafkaBrokerHealthIndicator(ObjectProvider<KafkaAdmin> kafkaAdmin,
            @Value("${llm.kafka.health.timeout:2s}") Duration timeout,
            @Value("${llm.kafka.health.cache-for:5s}") Duration cacheFor) {
        return new BrokerHealthIndicator(() -> kafkaAdmin.getObject().getConfigurationProperties(), timeout, cacheFor,
                InstantSource.system());
    }

    @Bean
    public ListenersHealthIndicator kafkaListenersHealthIndicator(KafkaListenerEndpointRegistry registry) {
        return new ListenersHealthIndicator(registry);
    }
}
