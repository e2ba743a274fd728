package dev.llmplatform.gateway;

import dev.llmplatform.topics.Topics;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of the gateway-service ({@code llm.gateway.*} in {@code gateway.yml}).
 *
 * @param modelStore       the model store directory, read at start-up to list the served models
 * @param replyPartition   the partition of {@code llm.generation.events} this instance owns and reads:
 *                         every instance needs its own. In Kubernetes run the gateway as a StatefulSet
 *                         and pass the pod ordinal (label {@code apps.kubernetes.io/pod-index} through
 *                         the downward API) as {@code GATEWAY_REPLY_PARTITION}
 * @param requestTimeout   longest a generation may take end to end; past it the client gets an error
 *                         and the platform a cancel
 * @param maxTokensDefault {@code max_tokens} when a request leaves it out (16, like OpenAI)
 */
@ConfigurationProperties(prefix = "llm.gateway")
public record GatewayProperties(
        @DefaultValue("./data/models") Path modelStore,
        @DefaultValue("0") int replyPartition,
        @DefaultValue("120s") Duration requestTimeout,
        @DefaultValue("16") int maxTokensDefault) {

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
    }
}
