package dev.llmplatform.topics;

import dev.llmplatform.contracts.AnalysisRequest;
import dev.llmplatform.contracts.ControlMessage;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.GenerationRequest;
import dev.llmplatform.contracts.Heartbeat;
import dev.llmplatform.contracts.InferenceRequest;
import dev.llmplatform.contracts.ModelEvent;
import dev.llmplatform.contracts.ReplyStep;
import dev.llmplatform.contracts.TokenEvent;
import dev.llmplatform.contracts.TokenStep;
import dev.llmplatform.contracts.TokenizerRequest;
import dev.llmplatform.contracts.TrainingEvent;
import dev.llmplatform.contracts.TrainingJob;
import dev.llmplatform.contracts.binary.StepCodec;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The one place that names every topic. No other code spells a topic name.
 *
 * <p>Writers: gateway (and batch producers) → {@link #GENERATION_REQUESTS}; tokenizer →
 * {@link #INFERENCE_REQUESTS}, {@link #INFERENCE_ANALYSIS}, {@link #GENERATION_EVENTS} (stream events, tokenize
 * answers, refusals); inference → {@link #INFERENCE_TOKENS} and the answers to analysis requests on the reply
 * topic they name (one writer per kind of event: {@code docs/architecture.md});
 * gateway and tokenizer → {@link #GENERATION_CONTROL}; gateway → {@link #TOKENIZER_REQUESTS}; gateway → {@link #TRAINING_JOBS};
 * training → {@link #TRAINING_EVENTS}, {@link #MODELS}.
 *
 * <p>Each topic is typed ({@link Topic}): write with {@code X.encode(value)} and read with {@code X.decode(record)}
 * (or a record from {@code dev.llmplatform.kafka.TopicRecords}), so a value of the wrong type does not compile.
 * Annotations, which take only constants, name a topic through its {@code X_NAME}.
 */
public final class Topics {

    public static final String DEAD_LETTER_SUFFIX = ".DLT";

    // Topic names as constants, for annotations (@KafkaListener(topics = ...)); code uses the typed topics below.
    public static final String GENERATION_REQUESTS_NAME = "llm.generation.requests";
    public static final String INFERENCE_REQUESTS_NAME = "llm.inference.requests";
    public static final String INFERENCE_TOKENS_NAME = "llm.inference.tokens";
    public static final String GENERATION_EVENTS_NAME = "llm.generation.events";
    public static final String INFERENCE_ANALYSIS_NAME = "llm.inference.analysis";
    public static final String GENERATION_CONTROL_NAME = "llm.generation.control";
    public static final String TOKENIZER_REQUESTS_NAME = "llm.tokenizer.requests";
    public static final String TRAINING_JOBS_NAME = "llm.training.jobs";
    public static final String TRAINING_EVENTS_NAME = "llm.training.events";
    public static final String MODELS_NAME = "llm.models";
    public static final String HEARTBEATS_NAME = "llm.heartbeats";

    /**
     * Largest record on a reply topic: an attention map (layers × heads × 64² weights) runs to a few
     * megabytes of JSON, far past Kafka's 1 MB default. Producers that write such replies raise their
     * {@code max.request.size} to this.
     */
    public static final int MAX_REPLY_BYTES = 16 * 1024 * 1024;

    /** Prompts to generate from, keyed by request id. */
    public static final JsonTopic<GenerationRequest> GENERATION_REQUESTS =
            new JsonTopic<>(GENERATION_REQUESTS_NAME, 6, Duration.ofDays(1), GenerationRequest.class);

    /** Tokenized prompts for the inference engine, keyed by request id. */
    public static final JsonTopic<InferenceRequest> INFERENCE_REQUESTS =
            new JsonTopic<>(INFERENCE_REQUESTS_NAME, 6, Duration.ofDays(1), InferenceRequest.class);

    /**
     * Generated token ids: one binary {@link TokenStep} per engine step holding the {@link TokenEvent}s of all
     * its requests, keyed by the inference instance (so each request's events stay in order).
     */
    public static final BinaryTopic<TokenStep> INFERENCE_TOKENS =
            new BinaryTopic<>(INFERENCE_TOKENS_NAME, 6, Duration.ofHours(6), TokenStep.class,
                    StepCodec::encode, StepCodec::encodeWithin, StepCodec::decodeTokenStep);

    /**
     * Detokenized text (and answers to analysis requests) back to the caller. The default reply topic
     * of gateways: each gateway instance owns one partition, so partitions bound the number of gateway
     * instances. Stream events come as binary {@link ReplyStep}s (many requests each), everything else as
     * one JSON {@link GenerationEvent} keyed by request id. Records may be large (attention maps), hence
     * {@link #MAX_REPLY_BYTES}.
     */
    public static final JsonTopic<GenerationEvent> GENERATION_EVENTS =
            new JsonTopic<>(GENERATION_EVENTS_NAME, 8, Duration.ofHours(6), false, GenerationEvent.class,
                    Map.of("max.message.bytes", String.valueOf(MAX_REPLY_BYTES)));

    /**
     * Tokenized embeddings and attention requests for the inference engine, keyed by request id;
     * answered on the reply topic each request names.
     */
    public static final JsonTopic<AnalysisRequest> INFERENCE_ANALYSIS =
            new JsonTopic<>(INFERENCE_ANALYSIS_NAME, 3, Duration.ofHours(6), AnalysisRequest.class);

    /** Cancels (stop sequence found, client gone, deadline passed), keyed by request id. */
    public static final JsonTopic<ControlMessage> GENERATION_CONTROL =
            new JsonTopic<>(GENERATION_CONTROL_NAME, 6, Duration.ofHours(6), ControlMessage.class);

    /** Tokenize / detokenize requests (no generation), keyed by request id; answered on the reply topic. */
    public static final JsonTopic<TokenizerRequest> TOKENIZER_REQUESTS =
            new JsonTopic<>(TOKENIZER_REQUESTS_NAME, 3, Duration.ofHours(6), TokenizerRequest.class);

    /** Training jobs, keyed by job id. */
    public static final JsonTopic<TrainingJob> TRAINING_JOBS =
            new JsonTopic<>(TRAINING_JOBS_NAME, 3, Duration.ofDays(7), TrainingJob.class);

    /** Training progress, keyed by job id. */
    public static final JsonTopic<TrainingEvent> TRAINING_EVENTS =
            new JsonTopic<>(TRAINING_EVENTS_NAME, 3, Duration.ofDays(7), TrainingEvent.class);

    /** The model registry: latest published version per model name, compacted. */
    public static final JsonTopic<ModelEvent> MODELS =
            new JsonTopic<>(MODELS_NAME, 1, Duration.ofDays(3650), true, ModelEvent.class, Map.of());

    /**
     * Liveness of gateways (and of the inference replicas that read it), keyed by sender; one partition, so
     * every inference replica reads it whole, unassigned, as {@link #MODELS} is read. Kept only minutes.
     */
    public static final JsonTopic<Heartbeat> HEARTBEATS =
            new JsonTopic<>(HEARTBEATS_NAME, 1, Duration.ofMinutes(10), false, Heartbeat.class,
                    Map.of("segment.ms", "600000"));

    /**
     * The binary part of {@link #GENERATION_EVENTS} (the same topic, not another): the stream events of many
     * requests as one {@link ReplyStep}. A reader tells the two apart with {@link StepCodec#isBinary}.
     */
    public static final BinaryTopic<ReplyStep> GENERATION_EVENT_STEPS =
            new BinaryTopic<>(GENERATION_EVENTS, ReplyStep.class,
                    StepCodec::encode, StepCodec::encodeWithin, StepCodec::decodeReplyStep);

    /** Every topic the services create (with its dead-letter topic); {@link #GENERATION_EVENT_STEPS} is part of one. */
    public static final List<Topic<?>> ALL = List.of(
            GENERATION_REQUESTS, INFERENCE_REQUESTS, INFERENCE_TOKENS, GENERATION_EVENTS,
            GENERATION_CONTROL, TOKENIZER_REQUESTS, TRAINING_JOBS, TRAINING_EVENTS, MODELS, INFERENCE_ANALYSIS,
            HEARTBEATS);

    private Topics() {
    }
}
