package dev.llmplatform.training.jobs;

import java.time.Duration;

/**
 * Decides which training steps become RUNNING events: the first, every evaluation, and otherwise
 * one once {@code everySteps} steps or {@code interval} have passed since the last. A tiny model
 * makes hundreds of steps a second; the dashboard needs a few points a second, not hundreds.
 */
final class ProgressThrottle {

    private final int everySteps;
    private final long intervalNanos;
    private int lastStep = -1;
    private long lastNanos;

    ProgressThrottle(int everySteps, Duration interval) {
        this.everySteps = everySteps;
        this.intervalNanos = interval.toNanos();
    }

    boolean shouldEmit(int step, boolean evaluated, long nowNanos) {
        boolean due = lastStep < 0 || evaluated || step - lastStep >= everySteps || nowNanos - lastNanos >= intervalNanos;
        if (due) {
            lastStep = step;
            lastNanos = nowNanos;
        }
        return due;
    }
}
