package dev.llmplatform.inference.generation;

import dev.llmplatform.contracts.Messages;
import dev.llmplatform.inference.InferenceProperties;
import dev.llmplatform.inference.engine.constraint.ConstraintCompiler;
import dev.llmplatform.kafka.TraceHeaders;
import dev.llmplatform.model.ModelStore;
import dev.llmplatform.topics.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ContainerPostProcessor;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;

/**
 * Wires the Spring-free engine to Kafka: token events go to {@link Topics#INFERENCE_TOKENS} keyed by
 * request id, each with its request's {@code traceparent}; engines are created per model on demand; preloaded models warm up before the service
 * reports ready (runners finish before readiness turns to accepting traffic).
 */
@Configuration(proxyBeanMethods = false)
public class GenerationConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(GenerationConfiguration.class);

    /**
     * The trace header is set here, not by the template's observation: this runs on the publisher thread,
     * where no observation is in scope (inference.yml leaves the template's observation off, or it would
     * replace the header with a new trace's).
     */
    @Bean
    public RequestOffsets requestOffsets() {
        return new RequestOffsets();
    }

    /**
     * A request's record is committed once its last event is in Kafka (or could not be sent: keeping it
     * would hold back every later commit of its partition).
     */
    @Bean
    public TokenEventPublisher tokenEventPublisher(KafkaTemplate<String, String> kafka, InferenceProperties properties,
                                                   RequestOffsets offsets) {
        return new TokenEventPublisher((event, trace) -> {
            var record = new ProducerRecord<>(Topics.INFERENCE_TOKENS.name(), event.requestId(), Messages.toJson(event));
            trace.addTo(record.headers());
            kafka.send(record).whenComplete((result, error) -> {
                if (error != null) {
                    try (TraceHeaders.MdcScope ignored = trace.inMdc()) {
                        LOG.error("token event of request {} not delivered", event.requestId(), error);
                    }
                }
                if (event.isLast()) {
                    offsets.finished(event.requestId());
                }
            });
        }, properties.streamInterval());
    }

    @Bean
    public ModelEngines modelEngines(InferenceProperties properties, TokenEventPublisher publisher, MeterRegistry meters) {
        return new ModelEngines(new ModelStore(properties.modelStore()), properties.decoderOptions(),
                properties.engineSettings(), publisher, meters, properties.drainTimeout());
    }

    @Bean
    public GenerationService generationService(ModelEngines engines, TokenEventPublisher publisher,
                                               ConstraintCompiler constraints) {
        return new GenerationService(engines, publisher, constraints);
    }

    /** Output constraints compiled off the engine threads, cached per model version and constraint. */
    @Bean(destroyMethod = "close")
    public ConstraintCompiler constraintCompiler() {
        return new ConstraintCompiler(ConstraintCompiler.DEFAULT_CACHE_ENTRIES, ConstraintCompiler.DEFAULT_TIMEOUT);
    }

    @Bean
    public RequestBackpressure requestBackpressure(KafkaListenerEndpointRegistry registry, ModelEngines engines) {
        return new RequestBackpressure(registry, GenerationListeners.REQUESTS_LISTENER_ID, engines::anySaturated);
    }

    /**
     * The request consumer commits by hand as requests finish, with {@link RequestRebalanceListener} on its
     * rebalances. It fetches at most half of {@code max-waiting} records per poll. A pause takes
     * effect only before the next poll, so the rest of a fetched batch still reaches the engines: with
     * the pause at half the limit and batches of at most half, it always fits under the limit, and no
     * request is refused for records that were merely already fetched. (spring-kafka's pauseImmediate
     * would stop mid-batch, but a quick pause-resume-pause makes it stop the container for good.)
     */
    @Bean(GenerationListeners.REQUEST_CONSUMER_LIMITS)
    public ContainerPostProcessor<String, String, AbstractMessageListenerContainer<String, String>> requestConsumerLimits(
            InferenceProperties properties, RequestOffsets offsets, TokenEventPublisher publisher, ModelEngines engines) {
        // Not a bean: Boot would give a ConsumerAwareRebalanceListener bean to every container of the service.
        RequestRebalanceListener rebalances = new RequestRebalanceListener(offsets, publisher, engines::cancel);
        String maxPollRecords = String.valueOf(Math.max(1, properties.maxWaiting() / 2));
        return container -> {
            ContainerProperties containerProperties = container.getContainerProperties();
            containerProperties.getKafkaConsumerProperties().setProperty(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
            // Commits come from RequestOffsets as requests finish, not after each poll.
            containerProperties.setAckMode(ContainerProperties.AckMode.MANUAL);
            containerProperties.setConsumerRebalanceListener(rebalances);
        };
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
