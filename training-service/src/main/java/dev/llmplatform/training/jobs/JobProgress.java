package dev.llmplatform.training.jobs;

import dev.llmplatform.training.pipeline.PipelineListener;
import dev.llmplatform.training.run.TrainingProgress;

import java.time.Duration;

/** Turns one job's phases and (throttled) steps into RUNNING events. Runs on the job's thread. */
final class JobProgress implements PipelineListener {

    private final String jobId;
    private final int totalSteps;
    private final JobEvents events;
    private final ProgressThrottle throttle;
    private volatile TrainingProgress latest;

    JobProgress(String jobId, int totalSteps, JobEvents events, int everySteps, Duration interval) {
        this.jobId = jobId;
        this.totalSteps = totalSteps;
        this.events = events;
        this.throttle = new ProgressThrottle(everySteps, interval);
    }

    @Override
    public void onPhase(String phase) {
        events.phase(jobId, latest, totalSteps, phase);
    }

    @Override
    public void onStep(TrainingProgress progress) {
        latest = progress;
        if (throttle.shouldEmit(progress.step(), progress.evaluated(), System.nanoTime())) {
            events.progress(jobId, progress);
        }
    }

    int lastStep() {
        TrainingProgress last = latest;
        return last == null ? 0 : last.step();
    }
}
