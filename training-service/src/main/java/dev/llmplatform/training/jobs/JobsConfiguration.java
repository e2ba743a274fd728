package dev.llmplatform.training.jobs;

import dev.llmplatform.training.TrainingProperties;
import dev.llmplatform.training.pipeline.TrainingPipeline;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

/** The Spring-free pipeline, and the runner that feeds it jobs from Kafka. */
@Configuration(proxyBeanMethods = false)
class JobsConfiguration {

    @Bean
    TrainingPipeline trainingPipeline(TrainingProperties properties) {
        return new TrainingPipeline(properties.pipelineSettings());
    }

    @Bean
    JobRunner jobRunner(TrainingPipeline pipeline, JobEvents events, KafkaListenerEndpointRegistry registry,
                        TrainingProperties properties) {
        return new JobRunner(pipeline, events, () -> container(registry), properties);
    }

    private static MessageListenerContainer container(KafkaListenerEndpointRegistry registry) {
        MessageListenerContainer container = registry.getListenerContainer(TrainingJobListeners.JOBS_LISTENER_ID);
        if (container == null) {
            throw new IllegalStateException("no listener container '" + TrainingJobListeners.JOBS_LISTENER_ID + "'");
        }
        return container;
    }
}
