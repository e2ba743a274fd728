package dev.llmplatform.inference.engine;

import java.time.Duration;
import java.time.Instant;

/**
 * What an engine's health depends on, taken at one moment: its work, when it last made progress, and
 * whether its thread still runs.
 *
 * @param waiting      requests submitted and not yet admitted
 * @param running      sequences admitted to the batch
 * @param lastProgress the last time the engine completed a step or found itself with nothing to do
 *                     (an idle engine is never behind), on the engine's clock
 * @param threadDied   the engine thread has ended while the engine was not closed: it takes no more work
 */
public record EngineHealth(int waiting, int running, Instant lastProgress, boolean threadDied) {

    public boolean hasWork() {
        return waiting > 0 || running > 0;
    }

    /** True when there is work and no progress for longer than {@code bound} before {@code now}. */
    public boolean stalled(Instant now, Duration bound) {
        return hasWork() && Duration.between(lastProgress, now).compareTo(bound) > 0;
    }
}
