package dev.llmplatform.inference.orphans;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which gateways (by reply partition) have fallen silent. Silence is counted only in the steps between two of
 * this replica's own heartbeats coming back to it through the broker, each step no longer than
 * {@code linkFreshMs}: when the broker is away, every gateway is silent and none is dead, so a broker restart
 * cancels nothing. A partition never heard from is never judged (an older gateway without heartbeats, or one
 * that died before this replica started). Thread-safe; no clock of its own (callers pass milliseconds).
 */
public final class GatewayLiveness {

    private final long timeoutMs;
    private final long linkFreshMs;
    /** Per reply partition, its silence counted while the link was up. */
    private final Map<Integer, Long> silence = new HashMap<>();
    private long selfHeardAtMs = Long.MIN_VALUE;

    /**
     * @param timeoutMs   silence after which a gateway counts as dead
     * @param linkFreshMs the longest gap between two of this replica's own heartbeats that still counts as
     *                    the link being up all along
     */
    public GatewayLiveness(long timeoutMs, long linkFreshMs) {
        this.timeoutMs = timeoutMs;
        this.linkFreshMs = linkFreshMs;
    }

    public synchronized void heardGateway(int replyPartition) {
        silence.put(replyPartition, 0L);
    }

    /** This replica heard its own heartbeat: the time since the last one counts as silence of every gateway. */
    public synchronized void heardSelf(long nowMs) {
        long gap = selfHeardAtMs == Long.MIN_VALUE ? 0 : nowMs - selfHeardAtMs;
        if (gap > 0 && gap <= linkFreshMs) {
            silence.replaceAll((partition, ms) -> ms + gap);
        }
        selfHeardAtMs = Math.max(selfHeardAtMs, nowMs);
    }

    /** The reply partitions whose gateway is dead. */
    public synchronized Set<Integer> dead() {
        return silence.entrySet().stream().filter(e -> e.getValue() > timeoutMs).map(Map.Entry::getKey)
                .collect(Collectors.toUnmodifiableSet());
    }
}
