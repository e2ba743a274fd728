package dev.llmplatform.gateway;

import dev.llmplatform.topics.Topics;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Settings of the gateway-service ({@code llm.gateway.*} in {@code gateway.yml}).
 *
 * @param modelStore       the model store directory, read at start-up to list the served models
 * @param replyPartition   the partition of {@code llm.generation.events} this instance owns and reads:
 *                         every instance needs its own. In Kubernetes run the gateway as a StatefulSet
 *                         and pass the pod ordinal (label {@code apps.kubernetes.io/pod-index} through
 *                         the downward API) as {@code GATEWAY_REPLY_PARTITION}
 * @param requestTimeout   longest a generation may take end to end; past it the client gets an error
 *                         and the platform a cancel. A client may shorten it per request with the
 *                         {@code X-Request-Timeout} header, never lengthen it
 * @param maxTokensDefault {@code max_tokens} when a completion leaves it out (16, like OpenAI); chat and the
 *                         Responses API default to the rest of the context instead, as vLLM does
 * @param security         API keys ({@code llm.gateway.security.*}), off by default
 * @param limits           rate, size and concurrency limits ({@code llm.gateway.limits.*})
 * @param cors             cross-origin access for browser clients served from elsewhere ({@code llm.gateway.cors.*})
 * @param batches          {@code /v1/batches} ({@code llm.gateway.batches.*})
 * @param responses        stored responses of {@code /v1/responses} ({@code llm.gateway.responses.*})
 * @param rerank           {@code /v1/rerank} and {@code /v1/score} ({@code llm.gateway.rerank.*})
 * @param training         bounds on one training job's size ({@code llm.gateway.training.*})
 * @param reasoningParsers reasoning parser per model name ({@code llm.gateway.reasoning-parsers.<model>: qwen3}),
 *                         over the {@code reasoning_parser} of the model folder's {@code llm-platform.json}
 * @param toolCallParsers  tool-call parser per model name ({@code llm.gateway.tool-call-parsers.<model>: llama3_json}),
 *                         over the {@code tool_call_parser} of the model folder's {@code llm-platform.json}; else hermes
 */
@ConfigurationProperties(prefix = "llm.gateway")
public record GatewayProperties(
        @DefaultValue("./data/models") Path modelStore,
        @DefaultValue("0") int replyPartition,
        @DefaultValue("120s") Duration requestTimeout,
        @DefaultValue("16") int maxTokensDefault,
        @DefaultValue Security security,
        @DefaultValue Limits limits,
        @DefaultValue Cors cors,
        @DefaultValue Batches batches,
        @DefaultValue Responses responses,
        @DefaultValue Rerank rerank,
        @DefaultValue Training training,
        Map<String, String> reasoningParsers,
        Map<String, String> toolCallParsers) {

    public GatewayProperties {
        int partitions = Topics.GENERATION_EVENTS.partitions();
        if (replyPartition < 0 || replyPartition >= partitions) {
            throw new IllegalArgumentException("llm.gateway.reply-partition must be in 0.." + (partitions - 1)
                    + " (one partition of " + Topics.GENERATION_EVENTS.name() + " per gateway instance), got " + replyPartition);
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("llm.gateway.request-timeout must be positive");
        }
        if (maxTokensDefault <= 0) {
            throw new IllegalArgumentException("llm.gateway.max-tokens-default must be > 0");
        }
        reasoningParsers = reasoningParsers == null ? Map.of() : Map.copyOf(reasoningParsers);
        toolCallParsers = toolCallParsers == null ? Map.of() : Map.copyOf(toolCallParsers);
    }

    /**
     * @param enabled      when true every {@code /v1/**} request needs {@code Authorization: Bearer <key>};
     *                     off in the one-command mode
     * @param apiKeyHashes lowercase hex SHA-256 of each accepted key, so the configuration never holds a
     *                     key itself: {@code printf %s "$KEY" | sha256sum}
     * @param adminKeyHashes SHA-256 of each key with the admin scope: training jobs ({@code /v1/training/**}) and
     *                     model management, besides everything an inference key may do. Keys of
     *                     {@code api-key-hashes} get a 403 there
     * @param keyPriorities per key hash, its own default priority and floor ({@code key-priorities.<hash>.default-priority},
     *                     {@code .floor}); what a key leaves out comes from {@code llm.gateway.limits.priority}
     */
    public record Security(@DefaultValue("false") boolean enabled, List<String> apiKeyHashes,
                           List<String> adminKeyHashes, Map<String, PriorityLimits> keyPriorities) {

        public Security {
            apiKeyHashes = hashes(apiKeyHashes, "api-key-hashes");
            adminKeyHashes = hashes(adminKeyHashes, "admin-key-hashes");
            if (enabled && apiKeyHashes.isEmpty() && adminKeyHashes.isEmpty()) {
                throw new IllegalArgumentException("llm.gateway.security.enabled is true but"
                        + " llm.gateway.security.api-key-hashes is empty: no request could ever pass");
            }
            Map<String, PriorityLimits> byHash = new HashMap<>();
            if (keyPriorities != null) {
                keyPriorities.forEach((hash, limits) -> {
                    String h = hash.strip().toLowerCase(Locale.ROOT);
                    if (h.length() != 64 || !h.chars().allMatch(HexFormat::isHexDigit)) {
                        throw new IllegalArgumentException("llm.gateway.security.key-priorities must be keyed by SHA-256"
                                + " hashes (64 hex digits), got a key of " + h.length() + " characters");
                    }
                    byHash.put(h, limits);
                });
            }
            keyPriorities = Map.copyOf(byHash);
        }

        private static List<String> hashes(List<String> configured, String name) {
            List<String> hashes = configured == null ? List.of()
                    : configured.stream().map(String::strip).filter(h -> !h.isEmpty())
                    .map(h -> h.toLowerCase(Locale.ROOT)).toList();
            for (String hash : hashes) {
                if (hash.length() != 64 || !hash.chars().allMatch(HexFormat::isHexDigit)) {
                    // Only the length is echoed: a key pasted here by mistake must not reach the logs.
                    throw new IllegalArgumentException("llm.gateway.security." + name + " must hold SHA-256 hashes"
                            + " (64 hex digits), got an entry of " + hash.length() + " characters");
                }
            }
            return hashes;
        }
    }

    /**
     * @param requestsPerMinute       per client (API key, or IP address when security is off); 0 = no limit
     * @param tokensPerMinute         per client, charged {@code max_tokens} when a generation starts; 0 = no limit
     * @param maxBodySize             largest request body accepted (413 beyond)
     * @param maxInFlightGenerations  generations this instance serves at once; one more gets a 503 at once
     *                                instead of waiting in a queue
     * @param maxTokensPerRequest     the most tokens one request may ask for: {@code max_tokens} × {@code n} over
     *                                every prompt (a 400 above it); 0 = no limit beyond the model's context
     * @param maxInFlightPerClient    generations one client (API key, or IP without keys) runs at once on this
     *                                instance, streamed or not, {@code n} choices counting n; one more gets a 429
     *                                with {@code Retry-After}; 0 = no limit but the instance's
     * @param priority                a generation's scheduling priority when its request names none
     *                                ({@code priority.default-priority}, 0) and the most urgent value a request may
     *                                name ({@code priority.floor}; none by default); per key in {@code security.key-priorities}
     * @param maxStreamBacklog        events one stream may have waiting for a client that reads slowly (its
     *                                socket full); one more ends the stream with a {@code slow_consumer} error
     *                                event and cancels its generation, so memory stays bounded (1024)
     */
    public record Limits(
            @DefaultValue("0") long requestsPerMinute,
            @DefaultValue("0") long tokensPerMinute,
            @DefaultValue("1MB") DataSize maxBodySize,
            @DefaultValue("256") int maxInFlightGenerations,
            @DefaultValue("65536") long maxTokensPerRequest,
            @DefaultValue("0") int maxInFlightPerClient,
            @DefaultValue PriorityLimits priority,
            @DefaultValue("1024") int maxStreamBacklog) {

        public Limits {
            if (requestsPerMinute < 0 || tokensPerMinute < 0) {
                throw new IllegalArgumentException("llm.gateway.limits.*-per-minute must be >= 0 (0 = no limit)");
            }
            if (maxBodySize.toBytes() <= 0 || maxBodySize.toBytes() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("llm.gateway.limits.max-body-size must be in 1B..2GB");
            }
            if (maxInFlightGenerations <= 0) {
                throw new IllegalArgumentException("llm.gateway.limits.max-in-flight-generations must be > 0");
            }
            if (maxTokensPerRequest < 0 || maxInFlightPerClient < 0) {
                throw new IllegalArgumentException("llm.gateway.limits.max-tokens-per-request and max-in-flight-per-client"
                        + " must be >= 0 (0 = no limit)");
            }
            if (maxStreamBacklog <= 0) {
                throw new IllegalArgumentException("llm.gateway.limits.max-stream-backlog must be > 0");
            }
            priority = priority == null ? new PriorityLimits(0, null) : priority;
            if (priority.defaultPriority() == null) {
                priority = new PriorityLimits(0, priority.floor());
            }
        }
    }

    /**
     * Scheduling priority (vLLM's convention: lower is served first).
     *
     * @param defaultPriority what a request that names no {@code priority} gets (null: inherited)
     * @param floor           the lowest (most urgent) value a request may name, else a 400; null: no floor
     *                        (inherited, for a key). A default below the floor is raised to it
     */
    public record PriorityLimits(Integer defaultPriority, Integer floor) {
    }

    /**
     * Batches are held in this instance's memory, results included, so both counts bound its heap.
     *
     * @param concurrency lines of one batch generating at once (each also takes an in-flight slot)
     * @param maxLines    lines one batch may hold
     * @param maxBatches  batches kept; the oldest finished one is forgotten to make room, and a new
     *                    batch is refused (429) while this many are still running
     * @param priority    scheduling priority of a line that names none (or its key's default, if less urgent):
     *                    behind interactive requests (0), as a Kafka-native batch request's default
     */
    public record Batches(
            @DefaultValue("8") int concurrency,
            @DefaultValue("5000") int maxLines,
            @DefaultValue("20") int maxBatches,
            @DefaultValue("10") int priority) {

        public Batches {
            if (concurrency <= 0 || maxLines <= 0 || maxBatches <= 0) {
                throw new IllegalArgumentException("llm.gateway.batches.concurrency, max-lines and max-batches must be > 0");
            }
        }
    }

    /** @param allowedOrigins origins (e.g. {@code https://app.example.com}, or {@code *}) allowed to call the API from a browser; none by default */
    public record Cors(List<String> allowedOrigins) {

        public Cors {
            allowedOrigins = allowedOrigins == null ? List.of()
                    : allowedOrigins.stream().map(String::strip).filter(o -> !o.isEmpty()).toList();
        }
    }

    /**
     * Responses created with {@code "store": true} are kept in this instance's memory, for
     * {@code GET /v1/responses/{id}} and {@code previous_response_id}: lost on restart, invisible to
     * other instances (as batches).
     *
     * @param maxStored how many are kept; the oldest is forgotten to make room for a new one
     * @param retention how long one is kept after it was created
     */
    public record Responses(
            @DefaultValue("1000") int maxStored,
            @DefaultValue("1h") Duration retention) {

        public Responses {
            if (maxStored <= 0) {
                throw new IllegalArgumentException("llm.gateway.responses.max-stored must be > 0");
            }
            if (retention.isNegative() || retention.isZero()) {
                throw new IllegalArgumentException("llm.gateway.responses.retention must be positive");
            }
        }
    }

    /**
     * @param maxDocuments documents one {@code /v1/rerank} request may rank, and pairs one {@code /v1/score}
     *                     request may score; every 64 distinct texts are one embedding run of the encoder
     */
    public record Rerank(@DefaultValue("256") int maxDocuments) {

        public Rerank {
            if (maxDocuments <= 0) {
                throw new IllegalArgumentException("llm.gateway.rerank.max-documents must be > 0");
            }
        }
    }

    /**
     * How large one training job may be, checked before it is published (a 400 naming the field).
     *
     * @param maxParameters the model's parameter count, estimated from the architecture and the vocabulary
     *                      (the one asked for, or 32,000 when a model's tokenizer is reused)
     * @param maxTokens     tokens the job trains on: steps × batch_size × architecture.context
     */
    public record Training(
            @DefaultValue("50000000") long maxParameters,
            @DefaultValue("2000000000") long maxTokens) {

        public Training {
            if (maxParameters <= 0 || maxTokens <= 0) {
                throw new IllegalArgumentException("llm.gateway.training.max-parameters and max-tokens must be > 0");
            }
        }
    }
}
