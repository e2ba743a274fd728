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

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The one place that names every topic. No other code spells a topic name.
 *
 * <p>Writers: gateway (and batch producers) → {@link #GENERATION_REQUESTS}; tokenizer →
 * {@link #INFERENCE_REQUESTS}, {@link #INFERENCE_ANALYSIS}, {@link #GENERATION_EVENTS}; inference →
 * {@link #INFERENCE_TOKENS} and the answers to analysis requests on the reply topic they name;
 * gateway and tokenizer → {@link #GENERATION_CONTROL}; gateway → {@link #TOKENIZER_REQUESTS}; gateway → {@link #TRAINING_JOBS};
 * training → {@link #TRAINING_EVENTS}, {@link #MODELS}.
 */
public final class Topics {

    public static final String DEAD_LETTER_SUFFIX = ".DLT";

    /**
     * Largest record on a reply topic: an attention map (layers × heads × 64² weights) runs to a few
     * megabytes of JSON, far past Kafka's 1 MB default. Producers that write such replies raise their
     * {@code max.request.size} to this.
     */
    public static final int MAX_REPLY_BYTES = 16 * 1024 * 1024;

    /** Prompts to generate from, keyed by request id. */
    public static final TopicSpec GENERATION_REQUESTS =
            new TopicSpec("llm.generation.requests", 6, Duration.ofDays(1), false, GenerationRequest.class);

    /** Tokenized prompts for the inference engine, keyed by request id. */
    public static final TopicSpec INFERENCE_REQUESTS =
            new TopicSpec("llm.inference.requests", 6, Duration.ofDays(1), false, InferenceRequest.class);

    /**
     * Generated token ids: one binary {@link TokenStep} per engine step holding the {@link TokenEvent}s of all
     * its requests, keyed by the inference instance (so each request's events stay in order).
     */
    public static final TopicSpec INFERENCE_TOKENS =
            new TopicSpec("llm.inference.tokens", 6, Duration.ofHours(6), false, TokenStep.class);

    /**
     * Detokenized text (and answers to analysis requests) back to the caller. The default reply topic
     * of gateways: each gateway instance owns one partition, so partitions bound the number of gateway
     * instances. Stream events come as binary {@link ReplyStep}s (many requests each), everything else as
     * one JSON {@link GenerationEvent} keyed by request id. Records may be large (attention maps), hence
     * {@link #MAX_REPLY_BYTES}.
     */
    public static final TopicSpec GENERATION_EVENTS =
            new TopicSpec("llm.generation.events", 8, Duration.ofHours(6), false, GenerationEvent.class,
                    Map.of("max.message.bytes", String.valueOf(MAX_REPLY_BYTES)));

    /**
     * Tokenized embeddings and attention requests for the inference engine, keyed by request id;
     * answered on the reply topic each request names.
     */
    public static final TopicSpec INFERENCE_ANALYSIS =
            new TopicSpec("llm.inference.analysis", 3, Duration.ofHours(6), false, AnalysisRequest.class);

    /** Cancels (stop sequence found, client gone, deadline passed), keyed by request id. */
    public static final TopicSpec GENERATION_CONTROL =
            new TopicSpec("llm.generation.control", 6, Duration.ofHours(6), false, ControlMessage.class);

    /** Tokenize / detokenize requests (no generation), keyed by request id; answered on the reply topic. */
    public static final TopicSpec TOKENIZER_REQUESTS =
            new TopicSpec("llm.tokenizer.requests", 3, Duration.ofHours(6), false, TokenizerRequest.class);

    /** Training jobs, keyed by job id. */
    public static final TopicSpec TRAINING_JOBS =
            new TopicSpec("llm.training.jobs", 3, Duration.ofDays(7), false, TrainingJob.class);

    /** Training progress, keyed by job id. */
    public static final TopicSpec TRAINING_EVENTS =
            new TopicSpec("llm.training.events", 3, Duration.ofDays(7), false, TrainingEvent.class);

    /** The model registry: latest published version per model name, compacted. */
    public static final TopicSpec MODELS =
            new TopicSpec("llm.models", 1, Duration.ofDays(3650), true, ModelEvent.class);

    /**
     * Liveness of gateways (and of the inference replicas that read it), keyed by sender; one partition, so
     * every inference replica reads it whole, unassigned, as {@link #MODELS} is read. Kept only minutes.
     */
    public static final TopicSpec HEARTBEATS =
            new TopicSpec("llm.heartbeats", 1, Duration.ofMinutes(10), false, Heartbeat.class,
                    Map.of("segment.ms", "600000"));

    public static final List<TopicSpec> ALL = List.of(
            GENERATION_REQUESTS, INFERENCE_REQUESTS, INFERENCE_TOKENS, GENERATION_EVENTS,
            GENERATION_CONTROL, TOKENIZER_REQUESTS, TRAINING_JOBS, TRAINING_EVENTS, MODELS, INFERENCE_ANALYSIS,
            HEARTBEATS);

    private Topics() {
    }
}
