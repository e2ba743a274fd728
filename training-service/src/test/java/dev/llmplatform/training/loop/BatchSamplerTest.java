package dev.llmplatform.training.loop;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class BatchSamplerTest {

    /** Token i is i, so a window's position in the stream can be read off its values. */
    private final int[] stream = IntStream.range(0, 1000).toArray();

    @Test
    void shouldDrawTheSameBatchForTheSameSeedAndStep() {
        BatchSampler sampler = new BatchSampler(stream, 4, 16, 9);

        assertThat(new BatchSampler(stream, 4, 16, 9).batch(7).inputs()).containsExactly(sampler.batch(7).inputs());
        assertThat(sampler.batch(8).inputs()).isNotEqualTo(sampler.batch(7).inputs());
        assertThat(new BatchSampler(stream, 4, 16, 10).batch(7).inputs()).isNotEqualTo(sampler.batch(7).inputs());
    }

    @Test
    void shouldTargetTheNextTokenOfContiguousWindows() {
        BatchSampler.Batch batch = new BatchSampler(stream, 4, 16, 1).batch(0);

        for (int row = 0; row < 4; row++) {
            long start = batch.inputs()[row * 16];
            for (int t = 0; t < 16; t++) {
                assertThat(batch.inputs()[row * 16 + t]).isEqualTo(start + t);
                assertThat(batch.targets()[row * 16 + t]).isEqualTo(start + t + 1);
            }
            assertThat(start + 16).isLessThan(1000);
        }
    }

    @Test
    void shouldSpreadFixedNonOverlappingEvalWindowsOverTheStream() {
        List<BatchSampler.Batch> batches = BatchSampler.evalBatches(stream, 10, 7, 3);

        assertThat(batches).extracting(BatchSampler.Batch::batchSize).containsExactly(3, 3, 1);
        long[] starts = batches.stream()
                .flatMapToLong(b -> IntStream.range(0, b.batchSize()).mapToLong(row -> b.inputs()[row * 10]))
                .toArray();
        for (int i = 1; i < starts.length; i++) {
            assertThat(starts[i] - starts[i - 1]).isGreaterThanOrEqualTo(10);
        }
        assertThat(starts[starts.length - 1]).isGreaterThan(500);
        assertThat(batches.getFirst().targets()[0]).isEqualTo(batches.getFirst().inputs()[0] + 1);
    }
}
