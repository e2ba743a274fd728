package dev.llmplatform.gateway.training;

import dev.llmplatform.gateway.GatewayProperties;
import dev.llmplatform.gateway.models.ModelRegistry;
import dev.llmplatform.gateway.models.RegisteredModel;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * A {@code @WebFluxTest} of the training endpoints: the service, an empty job view, a recording
 * publisher, and a registry holding {@value #REUSABLE} (whose tokenizer a job may reuse). The
 * gateway's properties are there for the web filters every slice includes.
 */
@TestConfiguration(proxyBeanMethods = false)
@EnableConfigurationProperties(GatewayProperties.class)
@Import(TrainingService.class)
class TrainingSliceBackend {

    static final String REUSABLE = "tiny-llama";

    @Bean
    ModelRegistry modelRegistry() {
        ModelRegistry registry = new ModelRegistry();
        registry.register(new RegisteredModel(REUSABLE, "3", "decoder", 123_456, 64, 2.5, 1_700_000_000_000L, null));
        return registry;
    }

    @Bean
    TrainingJobs trainingJobs() {
        return new TrainingJobs(TrainingJobs.DEFAULT_HISTORY_CAPACITY);
    }

    @Bean
    RecordingJobPublisher recordingJobPublisher() {
        return new RecordingJobPublisher();
    }
}
