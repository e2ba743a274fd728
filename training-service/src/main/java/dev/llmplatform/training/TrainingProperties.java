package dev.llmplatform.training;

import dev.llmplatform.training.pipeline.PipelineSettings;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of the training-service ({@code llm.training.*} in {@code training.yml}).
 *
 * @param modelStore         where trained model packages are published
 * @param trainingDir        one folder per unfinished job (tokenizer, checkpoints); must survive a
 *                           restart for a killed job to resume instead of starting over
 * @param datasetRoot        the only folder {@code files} datasets may name paths under
 * @param maxDatasetSize     the most text one {@code files} dataset may hold (it is read into memory)
 * @param threads            PyTorch intra-op threads; 0 keeps the process default
 * @param checkpointKeep     newest checkpoints kept per job
 * @param progressEverySteps a RUNNING event at least every this many steps…
 * @param progressInterval   …or when this long has passed since the last one (and after every evaluation)
 * @param rememberedCancels  cancelled job ids remembered, so a job whose cancel came first never starts (and as
 *                           many finished ones, so a record delivered again after a rebalance is not rerun)
 * @param sendTimeout        how long to wait for a terminal event or model event to be acknowledged by Kafka
 * @param discoveryInterval  how often the store is looked at for model folders that appeared, changed or went away
 * @param discoverySettle    a folder's files must be unchanged for this long (and across two looks) before it is
 *                           taken, so a folder still being copied is never half served
 */
@ConfigurationProperties(prefix = "llm.training")
public record TrainingProperties(
        @DefaultValue("./data/models") Path modelStore,
        @DefaultValue("./data/training") Path trainingDir,
        @DefaultValue("./data/datasets") Path datasetRoot,
        @DefaultValue("512MB") DataSize maxDatasetSize,
        @DefaultValue("0") int threads,
        @DefaultValue("2") int checkpointKeep,
        @DefaultValue("50") int progressEverySteps,
        @DefaultValue("1s") Duration progressInterval,
        @DefaultValue("10000") int rememberedCancels,
        @DefaultValue("30s") Duration sendTimeout,
        @DefaultValue("2s") Duration discoveryInterval,
        @DefaultValue("2s") Duration discoverySettle) {

    public TrainingProperties {
        if (progressEverySteps < 1 || rememberedCancels < 1 || progressInterval.isNegative()
                || discoveryInterval.isNegative() || discoveryInterval.isZero() || discoverySettle.isNegative()) {
            throw new IllegalArgumentException("llm.training: progress-every-steps and remembered-cancels must be >= 1, "
                    + "progress-interval >= 0, discovery-interval > 0, discovery-settle >= 0");
        }
    }

    public PipelineSettings pipelineSettings() {
        return new PipelineSettings(modelStore, trainingDir, datasetRoot, maxDatasetSize.toBytes(), threads, checkpointKeep);
    }
}
