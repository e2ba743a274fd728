package dev.llmplatform.inference.generation;

import dev.llmplatform.contracts.binary.StepCodec;
import dev.llmplatform.inference.InferenceProperties;
import dev.llmplatform.inference.engine.constraint.ConstraintCompiler;
import dev.llmplatform.contracts.TokenStep;
import dev.llmplatform.kafka.BinaryKafka;
import dev.llmplatform.model.ModelStore;
import dev.llmplatform.topics.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ContainerPostProcessor;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Wires the Spring-free engine to Kafka: token events go to {@link Topics#INFERENCE_TOKENS} one step
 * record per engine step, keyed by this instance, each event with its request's {@code traceparent}; engines are created per model on demand; preloaded models warm up before the service
 * reports ready (runners finish before readiness turns to accepting traffic).
 */
@Configuration(proxyBeanMethods = false)
public class GenerationConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(GenerationConfiguration.class);
    /** Below the producer's default {@code max.request.size} and the topic's {@code max.message.bytes} (1 MB). */
    static final int MAX_STEP_RECORD_BYTES = 900 * 1024;

    /**
     * Step records of token events (binary, {@link StepCodec}) go out through a byte-array producer of their
     * own, made from Boot's; keyed by this instance, so each request's events stay in order on one partition.
     * Each request's trace context travels inside the record, beside its event.
     */
    @Bean(destroyMethod = "close")
    public BinaryKafka.Producer tokenStepProducer(ProducerFactory<?, ?> base) {
        return BinaryKafka.producer(base, Map.of());
    }

    @Bean
    public RequestOffsets requestOffsets() {
        return new RequestOffsets();
    }

    /**
     * A request's record is committed once its last event is in Kafka (or could not be sent: keeping it
     * would hold back every later commit of its partition).
     */
    @Bean
    public TokenEventPublisher tokenEventPublisher(BinaryKafka.Producer tokenStepProducer, InferenceProperties properties,
                                                   RequestOffsets offsets) {
        KafkaTemplate<String, byte[]> kafka = tokenStepProducer.template();
        String instance = "inference-" + UUID.randomUUID().toString().substring(0, 8);
        return new TokenEventPublisher(step -> {
            // Normally one record; a step that would outgrow Kafka's default 1 MB request goes as several, in order.
            List<CompletableFuture<?>> sent = new ArrayList<>(1);
            for (byte[] record : Topics.INFERENCE_TOKENS.encodeWithin(step, MAX_STEP_RECORD_BYTES)) {
                sent.add(kafka.send(Topics.INFERENCE_TOKENS.name(), instance, record).whenComplete((result, error) -> {
                    if (error != null) {
                        LOG.error("token step of requests {} not delivered", StepCodec.names(record).stream()
                                .map(StepCodec.Named::requestId).toList(), error);
                    }
                }));
            }
            CompletableFuture<?> all = sent.size() == 1 ? sent.getFirst() : CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
            // Delivered or refused, a finished request's record may be committed (see RequestOffsets).
            return all.whenComplete((result, error) -> {
                for (TokenStep.Item item : step.items()) {
                    if (item.event().isLast()) {
                        offsets.finished(item.event().requestId());
                    }
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

    /**
     * Fetches the token topic's metadata before the service reports ready, so that the engine thread's
     * first send does not wait for it (the producer blocks its caller until it knows the partitions).
     */
    @Bean
    public ApplicationRunner tokenTopicMetadata(BinaryKafka.Producer tokenStepProducer) {
        return args -> tokenStepProducer.template().partitionsFor(Topics.INFERENCE_TOKENS.name());
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
