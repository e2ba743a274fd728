package dev.llmplatform.training.jobs;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressThrottleTest {

    private static final long MS = 1_000_000L;

    @Test
    void shouldEmitTheFirstStepEveryNthStepAndEveryEvaluationWhenStepsAreFast() {
        ProgressThrottle throttle = new ProgressThrottle(10, Duration.ofSeconds(1));
        List<Integer> emitted = new ArrayList<>();
        for (int step = 1; step <= 30; step++) {
            if (throttle.shouldEmit(step, step == 15, step * MS)) {
                emitted.add(step);
            }
        }
        assertThat(emitted).containsExactly(1, 11, 15, 25);
    }

    @Test
    void shouldEmitOncePerIntervalWhenStepsAreSlow() {
        ProgressThrottle throttle = new ProgressThrottle(1000, Duration.ofSeconds(1));
        List<Integer> emitted = new ArrayList<>();
        for (int step = 1; step <= 10; step++) {
            if (throttle.shouldEmit(step, false, step * 400 * MS)) {
                emitted.add(step);
            }
        }
        assertThat(emitted).containsExactly(1, 4, 7, 10);
    }
}
