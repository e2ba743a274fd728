package dev.llmplatform.gateway.training;

import dev.llmplatform.contracts.TrainingEvent;
import dev.llmplatform.contracts.TrainingEvent.Status;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.llmplatform.gateway.training.TrainingEvents.event;
import static dev.llmplatform.gateway.training.TrainingEvents.queued;
import static dev.llmplatform.gateway.training.TrainingEvents.running;
import static dev.llmplatform.gateway.training.TrainingEvents.succeeded;
import static org.assertj.core.api.Assertions.assertThat;

class ProgressHistoryTest {

    @Test
    void shouldKeepEveryPointWhileThereIsRoom() {
        ProgressHistory history = new ProgressHistory(10);
        for (int step = 1; step <= 10; step++) {
            history.add(running("j", step, 10, 5.0 / step));
        }

        assertThat(history.points()).extracting(TrainingEvent::step).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    }

    @Test
    void shouldStayBoundedAndSpanTheWholeRunWhenFull() {
        ProgressHistory history = new ProgressHistory(100);
        history.add(queued("j", 10_000));
        for (int step = 1; step <= 10_000; step++) {
            history.add(running("j", step, 10_000, 1.0));
        }
        history.add(succeeded("j", 10_000, 1.0, "1"));

        List<TrainingEvent> points = history.points();
        assertThat(points.size()).isBetween(40, 100);
        assertThat(points.getFirst().status()).isEqualTo(Status.QUEUED);
        assertThat(points.get(1).step()).as("the first running point is a milestone").isEqualTo(1);
        assertThat(points.getLast().status()).isEqualTo(Status.SUCCEEDED);
        assertThat(points).extracting(TrainingEvent::step).isSorted();
        // Spread over the run, not only its tail: some point in the first fifth of the steps after step 1.
        assertThat(points).anyMatch(p -> p.step() > 1 && p.step() < 2_000);
        assertThat(points).anyMatch(p -> p.step() > 8_000 && p.status() == Status.RUNNING);
    }

    @Test
    void shouldStayBoundedEvenWhenEveryPointChangesStatus() {
        ProgressHistory history = new ProgressHistory(8);
        for (int i = 0; i < 50; i++) {
            history.add(event("j", i % 2 == 0 ? Status.QUEUED : Status.RUNNING, i, 50, 1.0, null, null));
        }

        assertThat(history.size()).isLessThanOrEqualTo(8);
        assertThat(history.points().getFirst().step()).isZero();
        assertThat(history.points().getLast().step()).isEqualTo(49);
    }
}
