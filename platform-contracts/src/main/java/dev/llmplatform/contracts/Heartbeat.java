package dev.llmplatform.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Objects;

/**
 * "I am alive", sent every second or so on {@code llm.heartbeats} by each gateway instance and each inference
 * replica, keyed by {@link #instance}. Inference replicas read the whole topic: a gateway that falls silent
 * has died, and the generations that reply to its partition have nobody to go to.
 *
 * @param instance       the sender, unique per process
 * @param replyPartition the {@code llm.generation.events} partition a gateway reads; null for other senders
 * @param sentEpochMs    when it was sent
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Heartbeat(int schemaVersion, String instance, Integer replyPartition, long sentEpochMs)
        implements Versioned {

    public static final int CURRENT_VERSION = 1;
    /** How often every sender sends one. */
    public static final java.time.Duration INTERVAL = java.time.Duration.ofSeconds(1);

    public Heartbeat {
        Versioned.check(schemaVersion, CURRENT_VERSION, "Heartbeat");
        Objects.requireNonNull(instance, "instance");
        if (replyPartition != null && replyPartition < 0) {
            throw new IllegalArgumentException("replyPartition must be >= 0");
        }
    }
}
