package dev.llmplatform.gateway.training;

import dev.llmplatform.contracts.TrainingEvent;

import java.util.ArrayList;
import java.util.List;

/**
 * The progress points of one job, bounded. When full it drops every second point instead of the
 * oldest ones, so a dashboard that connects late still draws the whole loss curve: older stretches
 * get coarser, recent ones keep more detail. The first event of each status run (queued, running,
 * the terminal one) and the latest event are never dropped. Not thread-safe: its
 * {@link TrainingJobState} guards it.
 */
final class ProgressHistory {

    private final int capacity;
    private final List<TrainingEvent> points = new ArrayList<>();

    ProgressHistory(int capacity) {
        if (capacity < 4) {
            throw new IllegalArgumentException("history capacity must be at least 4, got " + capacity);
        }
        this.capacity = capacity;
    }

    void add(TrainingEvent event) {
        points.add(event);
        if (points.size() > capacity) {
            thin();
        }
    }

    List<TrainingEvent> points() {
        return List.copyOf(points);
    }

    int size() {
        return points.size();
    }

    /** Keeps milestones and every other ordinary point; the result is at most about half full. */
    private void thin() {
        List<TrainingEvent> kept = new ArrayList<>(capacity / 2 + 8);
        boolean keepNextOrdinary = true;
        for (int i = 0; i < points.size(); i++) {
            TrainingEvent event = points.get(i);
            boolean milestone = i == 0 || i == points.size() - 1
                    || event.status() != points.get(i - 1).status();
            if (milestone) {
                kept.add(event);
            } else {
                if (keepNextOrdinary) {
                    kept.add(event);
                }
                keepNextOrdinary = !keepNextOrdinary;
            }
        }
        // A job whose status flips on every event has only milestones: then the oldest go (bar the first).
        while (kept.size() > capacity) {
            kept.remove(1);
        }
        points.clear();
        points.addAll(kept);
    }
}
