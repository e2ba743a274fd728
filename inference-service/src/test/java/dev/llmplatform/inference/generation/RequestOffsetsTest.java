package dev.llmplatform.inference.generation;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** A partition's commit never passes a request still running, whatever order requests finish in. */
class RequestOffsetsTest {

    private static final TopicPartition P0 = new TopicPartition("requests", 0);
    private static final TopicPartition P1 = new TopicPartition("requests", 1);

    private final RequestOffsets offsets = new RequestOffsets();
    private final List<String> commits = new ArrayList<>();

    private void receive(TopicPartition partition, long offset, String requestId) {
        offsets.received(partition, offset, requestId, () -> commits.add(partition.partition() + "@" + (offset + 1)));
    }

    @Test
    void shouldCommitOnlyPastTheLongestFinishedRunAtTheHeadOfEachPartition() {
        receive(P0, 10, "a");
        receive(P0, 11, "b");
        receive(P0, 12, "c");
        receive(P1, 5, "d");

        offsets.finished("b");
        assertThat(commits).as("a still runs: nothing past it").isEmpty();
        offsets.finished("a");
        assertThat(commits).containsExactly("0@12");
        offsets.finished("d");
        offsets.finished("c");
        assertThat(commits).containsExactly("0@12", "1@6", "0@13");
        assertThat(offsets.pending()).isZero();
    }

    @Test
    void shouldUseTheLatestHandleOfARedeliveredRecordAndFinishEveryRecordOfARequestId() {
        receive(P0, 1, "a");
        offsets.received(P0, 1, "a", () -> commits.add("renewed"));
        receive(P0, 2, "a");   // the same request produced twice

        offsets.finished("a");

        assertThat(commits).containsExactly("0@3");
        offsets.finished("a");
        assertThat(commits).as("a finish of nothing open commits nothing").hasSize(1);
    }

    @Test
    void shouldForgetPartitionsHandedOverAndNameTheirRunningRequests() {
        receive(P0, 1, "a");
        receive(P0, 2, "b");
        receive(P1, 1, "c");
        offsets.finished("b");

        assertThat(offsets.nextOffsetPastAll(P0)).isEqualTo(3L);
        Set<String> running = offsets.forget(List.of(P0));

        assertThat(running).containsExactly("a");
        offsets.finished("a");
        assertThat(commits).as("nothing is committed for a partition no longer owned").isEmpty();
        assertThat(offsets.pending()).isEqualTo(1);
    }
}
