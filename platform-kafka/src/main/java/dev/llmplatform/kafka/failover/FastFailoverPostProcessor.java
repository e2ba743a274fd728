package dev.llmplatform.kafka.failover;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;

import java.time.Duration;
import java.util.Map;

/**
 * Adds {@link FastFailover}'s defaults to every consumer factory of the service, after asking the broker
 * for its minimum session timeout (a few hundred milliseconds once at start-up; 10 s at most when it does
 * not answer). Keys the service sets itself are kept.
 */
public final class FastFailoverPostProcessor implements BeanPostProcessor {

    private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(10);

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof DefaultKafkaConsumerFactory<?, ?> factory) {
            Map<String, Object> configured = factory.getConfigurationProperties();
            Duration brokerMinimum = configured.containsKey(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)
                    ? null : FastFailover.brokerMinimum(configured, LOOKUP_TIMEOUT);
            FastFailover.warnIfSlow(brokerMinimum);
            factory.updateConfigs(FastFailover.defaults(configured, brokerMinimum));
        }
        return bean;
    }
}
