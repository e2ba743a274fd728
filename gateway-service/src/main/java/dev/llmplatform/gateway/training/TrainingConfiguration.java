package dev.llmplatform.gateway.training;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;

/** The job view and the Kafka publisher of training jobs. */
@Configuration(proxyBeanMethods = false)
class TrainingConfiguration {

    @Bean
    TrainingJobs trainingJobs() {
        return new TrainingJobs(TrainingJobs.DEFAULT_HISTORY_CAPACITY);
    }

    @Bean
    TrainingJobPublisher trainingJobPublisher(KafkaTemplate<String, String> kafkaTemplate) {
        return new KafkaTrainingJobPublisher(kafkaTemplate);
    }
}
